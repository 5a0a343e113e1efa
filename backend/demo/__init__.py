"""The demo region Midwest (`manage.py seed_demo`): its organisation and its story."""
