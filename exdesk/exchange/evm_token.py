"""DemoToken: a minimal ERC-20 (6 decimals) for the tests and the sandbox chain.

The source is ``contracts/DemoToken.sol``. ABI and bytecode below were produced with::

    cd /tmp && npm install solc@0.8.26
    cp <repo>/exdesk/exchange/contracts/DemoToken.sol /tmp/
    node_modules/.bin/solcjs --bin --abi --optimize DemoToken.sol
    # -> DemoToken_sol_DemoToken.abi, DemoToken_sol_DemoToken.bin (solc 0.8.26, EVM "cancun",
    #    which py-evm in eth-tester runs)

Paste the .bin as ``BYTECODE`` and the .abi as ``ABI`` after a change to the source.
"""

from __future__ import annotations

from typing import Any

from web3 import Web3

SOLC_VERSION = "0.8.26+commit.8a97fa7a"
DECIMALS = 6

ABI: list[dict[str, Any]] = [
    {
        "inputs": [
            {"internalType": "string", "name": "name_", "type": "string"},
            {"internalType": "string", "name": "symbol_", "type": "string"},
            {"internalType": "uint256", "name": "supply", "type": "uint256"},
        ],
        "stateMutability": "nonpayable",
        "type": "constructor",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "address", "name": "owner", "type": "address"},
            {"indexed": True, "internalType": "address", "name": "spender", "type": "address"},
            {"indexed": False, "internalType": "uint256", "name": "value", "type": "uint256"},
        ],
        "name": "Approval",
        "type": "event",
    },
    {
        "anonymous": False,
        "inputs": [
            {"indexed": True, "internalType": "address", "name": "from", "type": "address"},
            {"indexed": True, "internalType": "address", "name": "to", "type": "address"},
            {"indexed": False, "internalType": "uint256", "name": "value", "type": "uint256"},
        ],
        "name": "Transfer",
        "type": "event",
    },
    {
        "inputs": [
            {"internalType": "address", "name": "", "type": "address"},
            {"internalType": "address", "name": "", "type": "address"},
        ],
        "name": "allowance",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [
            {"internalType": "address", "name": "spender", "type": "address"},
            {"internalType": "uint256", "name": "value", "type": "uint256"},
        ],
        "name": "approve",
        "outputs": [{"internalType": "bool", "name": "", "type": "bool"}],
        "stateMutability": "nonpayable",
        "type": "function",
    },
    {
        "inputs": [{"internalType": "address", "name": "", "type": "address"}],
        "name": "balanceOf",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [],
        "name": "decimals",
        "outputs": [{"internalType": "uint8", "name": "", "type": "uint8"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [],
        "name": "name",
        "outputs": [{"internalType": "string", "name": "", "type": "string"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [],
        "name": "symbol",
        "outputs": [{"internalType": "string", "name": "", "type": "string"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [],
        "name": "totalSupply",
        "outputs": [{"internalType": "uint256", "name": "", "type": "uint256"}],
        "stateMutability": "view",
        "type": "function",
    },
    {
        "inputs": [
            {"internalType": "address", "name": "to", "type": "address"},
            {"internalType": "uint256", "name": "value", "type": "uint256"},
        ],
        "name": "transfer",
        "outputs": [{"internalType": "bool", "name": "", "type": "bool"}],
        "stateMutability": "nonpayable",
        "type": "function",
    },
    {
        "inputs": [
            {"internalType": "address", "name": "from", "type": "address"},
            {"internalType": "address", "name": "to", "type": "address"},
            {"internalType": "uint256", "name": "value", "type": "uint256"},
        ],
        "name": "transferFrom",
        "outputs": [{"internalType": "bool", "name": "", "type": "bool"}],
        "stateMutability": "nonpayable",
        "type": "function",
    },
]

BYTECODE = "0x" + (
    "608060405234801561000f575f80fd5b506040516108ea3803806108ea83398101604081905261002e916101"
    "34565b5f6100398482610225565b5060016100468382610225565b506002819055335f818152600360209081"
    "526040808320859055518481527fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523"
    "b3ef910160405180910390a35050506102df565b634e487b7160e01b5f52604160045260245ffd5b5f82601f"
    "8301126100ba575f80fd5b81516001600160401b038111156100d3576100d3610097565b604051601f820160"
    "1f19908116603f011681016001600160401b038111828210171561010157610101610097565b604052818152"
    "838201602001851015610118575f80fd5b8160208501602083015e5f91810160200191909152939250505056"
    "5b5f805f60608486031215610146575f80fd5b83516001600160401b0381111561015b575f80fd5b61016786"
    "8287016100ab565b602086015190945090506001600160401b03811115610184575f80fd5b61019086828701"
    "6100ab565b925050604084015190509250925092565b600181811c908216806101b557607f821691505b6020"
    "821081036101d357634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156102205780"
    "5f5260205f20601f840160051c810160208510156101fe5750805b601f840160051c820191505b8181101561"
    "021d575f815560010161020a565b50505b505050565b81516001600160401b0381111561023e5761023e6100"
    "97565b6102528161024c84546101a1565b846101d9565b6020601f821160018114610284575f831561026d57"
    "50848201515b5f19600385901b1c1916600184901b17845561021d565b5f84815260208120601f198516915b"
    "828110156102b35787850151825560209485019460019092019101610293565b50848210156102d057868401"
    "515f19600387901b60f8161c191681555b50505050600190811b01905550565b6105fe806102ec5f395ff3fe"
    "608060405234801561000f575f80fd5b5060043610610090575f3560e01c8063313ce5671161006357806331"
    "3ce567146100ff57806370a082311461011957806395d89b4114610138578063a9059cbb14610140578063dd"
    "62ed3e14610153575f80fd5b806306fdde0314610094578063095ea7b3146100b257806318160ddd146100d5"
    "57806323b872dd146100ec575b5f80fd5b61009c61017d565b6040516100a99190610453565b604051809103"
    "90f35b6100c56100c03660046104a3565b610208565b60405190151581526020016100a9565b6100de600254"
    "81565b6040519081526020016100a9565b6100c56100fa3660046104cb565b610274565b610107600681565b"
    "60405160ff90911681526020016100a9565b6100de610127366004610505565b60036020525f908152604090"
    "205481565b61009c61032c565b6100c561014e3660046104a3565b610339565b6100de610161366004610525"
    "565b600460209081525f928352604080842090915290825290205481565b5f805461018990610556565b8060"
    "1f01602080910402602001604051908101604052809291908181526020018280546101b590610556565b8015"
    "6102005780601f106101d757610100808354040283529160200191610200565b820191905f5260205f20905b"
    "8154815290600101906020018083116101e357829003601f168201915b505050505081565b335f8181526004"
    "602090815260408083206001600160a01b038716808552925280832085905551919290917f8c5be1e5ebec7d"
    "5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925906102629086815260200190565b6040518091"
    "0390a35060015b92915050565b6001600160a01b0383165f9081526004602090815260408083203384529091"
    "52812054828110156102e05760405162461bcd60e51b8152602060048201526011602482015270616c6c6f77"
    "616e636520746f6f206c6f7760781b60448201526064015b60405180910390fd5b5f198114610316576102f2"
    "83826105a2565b6001600160a01b0386165f9081526004602090815260408083203384529091529020555b61"
    "032185858561034e565b506001949350505050565b6001805461018990610556565b5f61034533848461034e"
    "565b50600192915050565b6001600160a01b0383165f908152600360205260409020548111156103a7576040"
    "5162461bcd60e51b815260206004820152600f60248201526e62616c616e636520746f6f206c6f7760881b60"
    "448201526064016102d7565b6001600160a01b0383165f90815260036020526040812080548392906103ce90"
    "84906105a2565b90915550506001600160a01b0382165f90815260036020526040812080548392906103fa90"
    "84906105b5565b92505081905550816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69"
    "c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161044691815260200190565b6040518091"
    "0390a3505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19"
    "601f83011684010191505092915050565b80356001600160a01b038116811461049e575f80fd5b919050565b"
    "5f80604083850312156104b4575f80fd5b6104bd83610488565b946020939093013593505050565b5f805f60"
    "6084860312156104dd575f80fd5b6104e684610488565b92506104f460208501610488565b92959294505050"
    "6040919091013590565b5f60208284031215610515575f80fd5b61051e82610488565b9392505050565b5f80"
    "60408385031215610536575f80fd5b61053f83610488565b915061054d60208401610488565b905092509290"
    "50565b600181811c9082168061056a57607f821691505b60208210810361058857634e487b7160e01b5f5260"
    "2260045260245ffd5b50919050565b634e487b7160e01b5f52601160045260245ffd5b818103818111156102"
    "6e5761026e61058e565b8082018082111561026e5761026e61058e56fea2646970667358221220364a0bbc9e"
    "4761f07ab9b71f6e708af7163f9d15dc50fe0c7352e71485e8779564736f6c634300081a0033"
)


def deploy(
    w3: Web3,
    owner: str,
    *,
    name: str = "Tether USD",
    symbol: str = "USDT",
    supply: int = 10**9 * 10**DECIMALS,
) -> str:
    """Deploy a DemoToken from ``owner`` (who receives the whole supply, in base units);
    return its checksummed address."""
    contract = w3.eth.contract(abi=ABI, bytecode=BYTECODE)
    txid = contract.constructor(name, symbol, supply).transact({"from": owner})
    receipt = w3.eth.wait_for_transaction_receipt(txid)
    if receipt["status"] != 1:
        raise RuntimeError(f"DemoToken deployment failed in transaction {txid.hex()}")
    return Web3.to_checksum_address(receipt["contractAddress"])


def token(w3: Web3, address: str) -> Any:
    """A web3 contract object for a deployed DemoToken."""
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=ABI)
