"""The Settings page (owners): the workspace's hours, replies, alerts, automations, channels
and a way to the Team page; each section is a module, every save goes through `data/`."""
