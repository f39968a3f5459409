"""Self-tests of the fake Bot API (bot.sandbox.fakeapi) and the bot-process harness."""
