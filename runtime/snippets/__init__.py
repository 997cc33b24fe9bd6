"""Code snippets that call the runtime as exported: one template per language, values embedded safely, secrets from the environment."""
