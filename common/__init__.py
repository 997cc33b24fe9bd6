"""Small pieces both deployables use (the runtime and the sandbox never import each other)."""
