"""The Textual application: app, screens, widgets. Only this package imports Textual."""
