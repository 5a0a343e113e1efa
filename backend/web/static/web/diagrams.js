// Draw the state machines of the help page from their Mermaid source.
mermaid.initialize({ startOnLoad: true, securityLevel: "strict" });
