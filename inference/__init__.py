"""Engines behind one streaming interface; knows nothing of the CRM.

Importing this package never imports an inference runtime (llama_cpp, torch, transformers,
vllm): engines are loaded by name through the registry when one is created.
"""

from __future__ import annotations

from inference.base import (
    ChatRequest,
    Completion,
    ContextOverflow,
    Done,
    Engine,
    EngineUnavailable,
    Event,
    GenerationCancelled,
    InferenceError,
    ModelLoadError,
    TextDelta,
    Tool,
    ToolCall,
    ToolCallError,
    Usage,
    collect,
)
from inference.config import EngineConfig
from inference.registry import EngineRegistry, EngineSpec, create_engine, select_engine

__all__ = [
    "ChatRequest",
    "Completion",
    "ContextOverflow",
    "Done",
    "Engine",
    "EngineConfig",
    "EngineRegistry",
    "EngineSpec",
    "EngineUnavailable",
    "Event",
    "GenerationCancelled",
    "InferenceError",
    "ModelLoadError",
    "TextDelta",
    "Tool",
    "ToolCall",
    "ToolCallError",
    "Usage",
    "collect",
    "create_engine",
    "select_engine",
]
