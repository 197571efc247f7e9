"""The demo workspace: a plumbing and heating company with a believable inbox."""
