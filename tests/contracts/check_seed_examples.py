"""Every example frame of every seed is an example of its dialect's AsyncAPI
document, and every example in every document validates against its message's
schema (python3-jsonschema). Usage: check_seed_examples.py <contracts> <seeds>"""
import json
import os
import sys

import contract_index
from seed_snippets import DIALECT_SEEDS, snippets


def main(contracts_dir, seeds_dir):
    contracts = contract_index.load_all(contracts_dir)
    failures, checked = [], 0
    for dialect, seed_file in DIALECT_SEEDS.items():
        contract = contracts[dialect]
        ignored_path = os.path.join(contract.dir, "seed-not-frames.json")
        ignored = [i["text"] for i in json.load(open(ignored_path))] if os.path.exists(ignored_path) else []
        examples = [x["payload"] for m in contract.messages.values() for x in m.examples]
        with open(os.path.join(seeds_dir, seed_file), encoding="utf-8") as f:
            found = snippets(f.read())
        if not found:
            failures.append(f"{dialect}: no examples found in {seed_file}")
        for text, value in found:
            if text.strip() in ignored:
                continue
            checked += 1
            if value is None:
                failures.append(f"{dialect}: seed example is not JSON and not listed in seed-not-frames.json:\n{text}")
            elif value not in examples:
                failures.append(f"{dialect}: seed example is in no message's examples of {contract.path}:\n"
                                f"{json.dumps(value, ensure_ascii=False)}")
    for contract in contracts.values():
        for msg in contract.messages.values():
            for x in msg.examples:
                checked += 1
                for schema_file, e in msg.errors(x["payload"], x.get("headers")):
                    failures.append(f"{contract.name}: example {msg.key}/{x['name']} does not match "
                                    f"{os.path.relpath(schema_file, contracts_dir)}: {e.message} at "
                                    f"/{'/'.join(map(str, e.absolute_path))}\n{json.dumps(x['payload'], ensure_ascii=False)}")
    for f in failures:
        print("FAIL", f)
    print(f"{checked} seed and document examples checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
