"""The Knowledge base page (owners and managers): entries, import, try it, knowledge gaps."""
