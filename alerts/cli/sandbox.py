import click


@click.group(invoke_without_command=True)
def sandbox() -> None:
    """Run the local Twilio-compatible sandbox (placeholder)."""
