"""The operator's inbox page: conversation list, thread, quick actions, reply box and the
customer panel."""
