"""Browser chat (Gradio): UI wiring only; the logic lives in qa/."""
