"""Print-only diagnostics: each prints what it measures and publishes nothing."""
