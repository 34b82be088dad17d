#!/usr/bin/env python3
"""Independent reference for tests/data/text/clip_tokens.jsonl: CLIP's tokenization rules written
out in Python with the `regex` module (the library CLIP itself uses for \\p{L} and \\p{N}),
html.unescape and str.lower. ftfy is not installed here, so the inputs avoid what only ftfy
changes (mojibake); curly quotes are straightened by hand as ftfy's uncurl_quotes does.

Usage: python3 clip_reference.py MERGES.gz < texts.txt > clip_tokens.jsonl
       python3 clip_reference.py MERGES.gz --hf OUT_DIR   (writes vocab.json + merges.txt)
"""
import gzip
import html
import json
import sys

import regex

PATTERN = regex.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
                        regex.IGNORECASE)


def byte_symbols():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    order, chars, extra = printable[:], printable[:], 0
    for b in range(256):
        if b not in printable:
            order.append(b)
            chars.append(256 + extra)
            extra += 1
    return order, {b: chr(c) for b, c in zip(order, chars)}


def load(path):
    lines = gzip.open(path).read().decode("utf-8").split("\n")[1:48894 + 1]
    merges = [tuple(l.split()) for l in lines]
    order, sym = byte_symbols()
    vocab = [sym[b] for b in order]
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return merges, sym, {v: i for i, v in enumerate(vocab)}


def bpe(word, ranks):
    symbols = list(word[:-1]) + [word[-1] + "</w>"]
    while len(symbols) > 1:
        pairs = [(ranks.get((a, b), 1 << 60), i) for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
        rank, _ = min(pairs)
        if rank == 1 << 60:
            break
        best = min(pairs)[1]
        first, second = symbols[best], symbols[best + 1]
        out, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and symbols[i] == first and symbols[i + 1] == second:
                out.append(first + second)
                i += 2
            else:
                out.append(symbols[i])
                i += 1
        symbols = out
    return symbols


def encode(text, merges, sym, encoder):
    ranks = {m: i for i, m in enumerate(merges)}
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
    text = html.unescape(html.unescape(text)).strip()
    text = regex.sub(r"\s+", " ", text).strip().lower()
    ids = []
    for piece in PATTERN.findall(text):
        if piece in ("<|startoftext|>", "<|endoftext|>"):
            ids.append(encoder[piece])
            continue
        word = "".join(sym[b] for b in piece.encode("utf-8"))
        ids += [encoder[s] for s in bpe(word, ranks)]
    return [49406] + ids + [49407]


def main():
    merges, sym, encoder = load(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--hf":
        with open(sys.argv[3] + "/vocab.json", "w", encoding="utf-8") as f:
            json.dump(encoder, f, ensure_ascii=False)
        with open(sys.argv[3] + "/merges.txt", "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
        return
    for line in sys.stdin:
        text = json.loads(line)
        print(json.dumps({"text": text, "ids": encode(text, merges, sym, encoder)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
