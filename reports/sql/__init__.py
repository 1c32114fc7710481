"""The reports' SQL as named templates: each function returns one query's text, binding its values as it goes."""
