"""Understanding customer text without a network: the knowledge-base retrieval that answers
questions, the intents that route a message (a person wanted, an opt-out, a booking), the
sentiment score, and the offline responder that puts them together.

They live in `data/` because more than one process needs the same answers: the pipeline replies
with them, the console shows the AI's suggestion and the knowledge base's "try it" box.
"""
