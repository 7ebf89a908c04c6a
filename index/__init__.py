"""Loading, chunking, embedding and storing news articles. Never imports qa, gradio or an LLM client."""
