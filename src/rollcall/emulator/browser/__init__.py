"""The data browser: server-rendered pages of what the emulator serves, with Clever's v2/v3 toggle. It
reads people through `Directory`, never through the Data API's state."""
