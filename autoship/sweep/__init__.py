"""Many runs: the headless batch runner (and, later, generated sweeps)."""
