"""`hemei demo`: the real bot on the local emulator, with a generated dataset, chatted with in the terminal."""
