"""Clever SFTP rosters: reading a district directory into users, and generating synthetic ones."""
