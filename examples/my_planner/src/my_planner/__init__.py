"""An example autoship planner plugin (docs/plugins.md)."""
