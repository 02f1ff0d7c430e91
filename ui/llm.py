"""Turn an ``--llm`` spec into a LangChain chat model (optional extras, imported lazily).

ollama:MODEL[@http://host:11434]     langchain-ollama
openai:MODEL[@https://base/v1]       langchain-openai (any OpenAI-compatible server)
"""

from __future__ import annotations

from typing import Any

from ..index import DatelineError

__all__ = ["chat_model_from_spec"]


def chat_model_from_spec(spec: str, *, api_key: str | None = None) -> Any:
    """A chat model for ``spec``; DatelineError with the fix when it can't be made."""
    provider, _, rest = spec.partition(":")
    model, _, base_url = rest.partition("@")
    if not model:
        raise DatelineError(
            f"--llm {spec!r}: expected ollama:MODEL[@URL] or openai:MODEL[@BASE_URL]"
        )
    if provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise DatelineError(
                "--llm ollama:... needs langchain-ollama; run `pip install 'dateline[llm]'`"
            ) from exc
        return ChatOllama(
            model=model, temperature=0, **({"base_url": base_url} if base_url else {})
        )
    if provider == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise DatelineError(
                "--llm openai:... needs langchain-openai; run `pip install 'dateline[llm]'`"
            ) from exc
        from pydantic import SecretStr

        # no base_url given: leave langchain-openai's own default (OPENAI_API_BASE, else OpenAI)
        extra: dict[str, Any] = {"base_url": base_url} if base_url else {}
        return ChatOpenAI(
            model=model,
            temperature=0,
            api_key=SecretStr(api_key or "not-needed"),  # a local server needs no key
            **extra,
        )
    raise DatelineError(f"--llm {spec!r}: unknown provider {provider!r}; use ollama: or openai:")
