"""Knowledge-base entries: the questions and answers the AI replies from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from data.clock import utcnow


class KnowledgeEntry(SQLModel, table=True):
    __tablename__ = "knowledge_entry"
    __table_args__ = (Index("ix_knowledge_workspace", "workspace_id", "enabled"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    question: str = Field(sa_type=Text)
    answer: str = Field(sa_type=Text)
    #: Comma-separated, lower-case tags ("pricing,estimates").
    tags: str = Field(default="", max_length=500)
    enabled: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]
