"""The sandbox's parts without a browser: the page model, the clock, the sample data."""
