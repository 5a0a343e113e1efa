"""How the state machines are shown: the kinds of stateful object, the readable labels of
the transitions, the diagrams drawn from the code (and `manage.py draw_workflows`), and the
transitions in the Django admin. The machines themselves live in `workflows/`."""
