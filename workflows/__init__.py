"""The state machines of the product and the one entry point that fires their transitions."""
