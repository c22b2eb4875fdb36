"""Demo content for exdesk: fictional customers and support conversations.

Everything here is invented for demos, screenshots and local development. Names, e-mail
addresses, user ids, transaction ids and blockchain addresses are fake and do not refer to
real people, accounts or transfers. The data is plain Python so that seeding code can load it
without any extra dependency.
"""

from __future__ import annotations

# uid, name, email, language, vip_tier (0 = regular), kyc_level (0 none .. 3 advanced)
CUSTOMERS: list[dict] = [
    {
        "uid": "21315462",
        "name": "王磊",
        "email": "wanglei.demo@example.com",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "38132804",
        "name": "李静",
        "email": "lijing@example.org",
        "language": "zh-hans",
        "vip_tier": 2,
        "kyc_level": 3,
    },
    {
        "uid": "17247691",
        "name": "张伟",
        "email": "zhang.wei88@example.net",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "57970905",
        "name": "刘洋",
        "email": "liuyang@example.com",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "78696528",
        "name": "陈晓燕",
        "email": "chenxy@example.org",
        "language": "zh-hans",
        "vip_tier": 1,
        "kyc_level": 2,
    },
    {
        "uid": "37248014",
        "name": "杨帆",
        "email": "yangfan.trade@example.net",
        "language": "zh-hans",
        "vip_tier": 4,
        "kyc_level": 3,
    },
    {
        "uid": "60392248",
        "name": "赵敏",
        "email": "zhaomin@example.com",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 0,
    },
    {
        "uid": "92666318",
        "name": "黄志强",
        "email": "huangzq@example.org",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "40588364",
        "name": "周婷",
        "email": "zhouting@example.net",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 1,
    },
    {
        "uid": "44938300",
        "name": "吴昊",
        "email": "wuhao.quant@example.com",
        "language": "zh-hans",
        "vip_tier": 3,
        "kyc_level": 3,
    },
    {
        "uid": "20290525",
        "name": "孙悦",
        "email": "sunyue@example.org",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "94433596",
        "name": "马俊杰",
        "email": "majunjie@example.net",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "45226916",
        "name": "林雪",
        "email": "linxue@example.com",
        "language": "zh-hans",
        "vip_tier": 0,
        "kyc_level": 0,
    },
    {
        "uid": "77328322",
        "name": "Daniel Okafor",
        "email": "daniel.okafor@example.com",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "28263628",
        "name": "Sofia Marquez",
        "email": "sofia.m@example.org",
        "language": "en",
        "vip_tier": 2,
        "kyc_level": 3,
    },
    {
        "uid": "75090594",
        "name": "Liam Brennan",
        "email": "liam.b@example.net",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 1,
    },
    {
        "uid": "49278174",
        "name": "Aisha Rahman",
        "email": "aisha.rahman@example.com",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "40454448",
        "name": "Tomasz Nowak",
        "email": "t.nowak@example.org",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "51461877",
        "name": "Priya Nair",
        "email": "priya.nair@example.net",
        "language": "en",
        "vip_tier": 5,
        "kyc_level": 3,
    },
    {
        "uid": "72257377",
        "name": "Lucas Ferreira",
        "email": "lucas.ferreira@example.com",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 0,
    },
    {
        "uid": "34679397",
        "name": "Hannah Schulz",
        "email": "hannah.s@example.org",
        "language": "en",
        "vip_tier": 1,
        "kyc_level": 2,
    },
    {
        "uid": "70810861",
        "name": "Kwame Mensah",
        "email": "kwame.m@example.net",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "93927904",
        "name": "Elena Petrova",
        "email": "elena.petrova@example.com",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 1,
    },
    {
        "uid": "55169927",
        "name": "Marcus Reid",
        "email": "marcus.reid@example.org",
        "language": "en",
        "vip_tier": 3,
        "kyc_level": 3,
    },
    {
        "uid": "96146260",
        "name": "Yuki Tanaka",
        "email": "yuki.t@example.net",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 2,
    },
    {
        "uid": "28253237",
        "name": "Noah Williams",
        "email": "noah.w@example.com",
        "language": "en",
        "vip_tier": 0,
        "kyc_level": 2,
    },
]

# Message kinds: "customer" and "agent" are visible to the customer; "note" is an
# internal note between staff.
CONVERSATIONS: list[dict] = [
    {
        "customer": "21315462",
        "channel": "web",
        "language": "zh-hans",
        "category": "deposit",
        "subject": "USDT 充值选错网络,至今未到账",
        "status": "open",
        "priority": "p1",
        "tags": ["wrong-network"],
        "fields": {
            "coin": "USDT",
            "network": "BEP20",
            "txid": "0x6b2cba328c4483f33c27ef72c0626b94147142add6f36abc4369e68f78d9e5dc",
            "amount": "1500.00",
            "address": "0xd0b1cf6d932618d64e2a3484d62af5a1666ae912",
        },
        "assignee": "li.na",
        "age_hours": 30,
        "messages": [
            (
                "customer",
                (
                    "你好,我昨天从另一个平台往我在你们这里的 USDT 充值地址转了 1500 USDT。我复"
                    "制的是 ERC20 的充值地址,但发出时网络选成了 BEP20。区块浏览器上显示交易已经"
                    "成功,可我的账户里一直没有到账。这笔钱对我很重要,请问还能找回来吗?"
                ),
            ),
            (
                "agent",
                (
                    "王先生您好,非常理解您现在着急的心情。我们已经核对了您提供的交易哈希:这笔 "
                    "USDT 是通过 BEP20 网络发送到您的 ERC20 充值地址的。两条链的地址格式相同,资"
                    "产目前仍停留在该地址上,并没有丢失;但系统不会为充值页面未选择的网络自动入账,"
                    "需要钱包团队人工处理。"
                ),
            ),
            (
                "note",
                (
                    "链上已核实:BSC 上交易成功,收款地址为该用户的 ERC20 充值地址,地址由平台托管,"
                    "具备找回条件。已按流程提交钱包组人工找回工单。"
                ),
            ),
            (
                "agent",
                (
                    "我们已经为您提交了人工找回申请。此类申请需要钱包团队排队处理,一般需要几个"
                    "工作日到数周不等,可能会产生一定的处理费用,具体以处理结果为准。我们暂时无法"
                    "承诺确切的到账时间,一有进展会第一时间在本工单里通知您。今后充值前,请务必确"
                    "认发送网络与充值页面所选网络一致。"
                ),
            ),
            (
                "customer",
                "好的,谢谢,那我等你们的消息。",
            ),
        ],
    },
    {
        "customer": "77328322",
        "channel": "web",
        "language": "en",
        "category": "deposit",
        "subject": "USDT deposit not showing yet",
        "status": "solved",
        "priority": "p2",
        "tags": ["confirmations"],
        "fields": {
            "coin": "USDT",
            "network": "ERC20",
            "txid": "0xb51d5ed86c4ba00c9a77762244b640481e0d176055246d295c4d3d9f1af59623",
            "amount": "250.00",
            "address": "0xd3206c607097e620f828464a734d7e8025b62b53",
        },
        "assignee": "alice",
        "age_hours": 52,
        "messages": [
            (
                "customer",
                (
                    "Hi, I sent 250 USDT from my wallet about 20 minutes ago. The explorer "
                    "says 'Success' but my balance still shows zero. Did something go wrong?"
                ),
            ),
            (
                "note",
                (
                    "Checked the chain: 9/12 confirmations at the time of reply, destination "
                    "matches the user's ERC20 deposit address."
                ),
            ),
            (
                "agent",
                (
                    "Hi Daniel, thanks for reaching out, and sorry for the wait. I can see "
                    "your transaction on the Ethereum network and it went to the correct "
                    "deposit address, so nothing is lost. Our platform credits ERC20 deposits "
                    "once they reach 12 network confirmations; when I checked, it had 9. It "
                    "should appear in your spot wallet within a few minutes, with no action "
                    "needed from you."
                ),
            ),
            (
                "customer",
                "It just showed up. Thanks!",
            ),
            (
                "agent",
                "Great to hear, glad it's sorted. Have a good day!",
            ),
        ],
    },
    {
        "customer": "38132804",
        "channel": "chat",
        "language": "zh-hans",
        "category": "deposit",
        "subject": "XRP 充值忘填目标标签",
        "status": "solved",
        "priority": "p2",
        "tags": ["memo-missing", "vip"],
        "fields": {
            "coin": "XRP",
            "network": "XRP",
            "txid": "2F78B62CF3919300412D20753D80E18035109FED037B9D45F0F85B920431F3AF",
            "amount": "820",
            "address": "rWXxqSrXNYW3vPQTaAM4zBF12BBR4ggp1",
        },
        "assignee": "li.na",
        "age_hours": 72,
        "messages": [
            (
                "customer",
                (
                    "在吗?我从外部钱包转了 820 个 XRP 进来,当时忘了填目标标签(Tag),已经过去三个"
                    "小时了还没到账,怎么办?"
                ),
            ),
            (
                "agent",
                (
                    "李女士您好。XRP 充值需要同时填写地址和目标标签,系统依靠标签来识别入账的账"
                    "户。漏填时资产会到达平台的收款地址,但无法自动分配到您的账户。请不用担心,这"
                    "种情况通常可以人工处理。麻烦您提供交易哈希(TxID)、发送数量,以及发送方钱包"
                    "的转出记录截图。"
                ),
            ),
            (
                "customer",
                "哈希已经填在表单里了,截图也上传了。",
            ),
            (
                "note",
                (
                    "账本已核实:交易成功,目标地址为平台 XRP 收款地址,无目标标签,数量 820 XRP,与"
                    "截图一致。已提交人工入账,sup.mei 已审批。"
                ),
            ),
            (
                "agent",
                (
                    "感谢您耐心等待!820 XRP 已经人工入账到您的现货账户,请查收。下次充值 XRP 时,"
                    "记得把地址和标签都复制过去。祝您生活愉快!"
                ),
            ),
        ],
    },
    {
        "customer": "28263628",
        "channel": "chat",
        "language": "en",
        "category": "deposit",
        "subject": "ATOM deposit sent without memo",
        "status": "on_hold",
        "priority": "p1",
        "tags": ["memo-missing", "vip"],
        "fields": {
            "coin": "ATOM",
            "network": "ATOM",
            "txid": "D20524E8759CC9402C597D52898DFC9EE0A339A8013517E19D4BC903B0A0FD07",
            "amount": "145.20",
            "address": "cosmos1k6au03567qz320mt8wdv8zuv5kjsmm6ayd60yv",
        },
        "assignee": "omar",
        "age_hours": 36,
        "messages": [
            (
                "customer",
                (
                    "I moved 145.2 ATOM from my own wallet and only realised afterwards that I "
                    "left the memo field empty. Is this recoverable? It's a fair bit of money "
                    "for me."
                ),
            ),
            (
                "agent",
                (
                    "Hi Sofia, I understand how stressful that is, and thank you for telling "
                    "us so quickly. For ATOM, the memo is what links an incoming deposit to "
                    "your account, so a deposit without it reaches our platform but can't be "
                    "credited automatically. Cases like this can usually be handled manually. "
                    "Could you share the transaction hash and a screenshot of the withdrawal "
                    "record from the sending wallet?"
                ),
            ),
            (
                "customer",
                "Done, both are attached to the chat.",
            ),
            (
                "note",
                (
                    "Tx confirmed on chain, memo empty, amount and sender match the "
                    "screenshot. Forwarded to Wallet Ops for manual credit; queue estimate 3-5 "
                    "business days."
                ),
            ),
            (
                "agent",
                (
                    "Thank you. I've verified the transaction and passed it to our wallet "
                    "operations team for manual crediting. I can't give you an exact time, as "
                    "these requests are handled in order, but I'll keep this ticket on hold "
                    "and update you as soon as it's completed."
                ),
            ),
        ],
    },
    {
        "customer": "17247691",
        "channel": "email",
        "language": "zh-hans",
        "category": "deposit",
        "subject": "BTC 充值四小时未到账",
        "status": "on_hold",
        "priority": "p2",
        "tags": ["confirmations"],
        "fields": {
            "coin": "BTC",
            "network": "BTC",
            "txid": "f2addcc4b1b12d1271f3590a2f95bcc7d10adea03e26aaf408461f7387f3e058",
            "amount": "0.0315",
            "address": "bc1qhqhgyvpaj9ms2xk7n0mk5jrtfc86mlr6wfsflu",
        },
        "assignee": "bob",
        "age_hours": 5,
        "messages": [
            (
                "customer",
                (
                    "您好,我大约四个小时前从个人钱包向平台充值了 0.0315 BTC,钱包里显示“已发送”,"
                    "但平台的充值记录里什么都没有。是不是你们系统出问题了?"
                ),
            ),
            (
                "note",
                (
                    "查了内存池:交易已广播,手续费率约 3 sat/vB,明显低于当前网络水平,目前 0 确认。"
                    "非平台问题。"
                ),
            ),
            (
                "agent",
                (
                    "张先生您好,感谢您的耐心。我们在链上找到了这笔交易:它已经成功广播,但还没有"
                    "被打包进区块。原因是发送时设置的矿工费偏低,而近期比特币网络较为拥堵,矿工会"
                    "优先处理手续费更高的交易。交易达到平台要求的确认数后,系统会自动入账,您无需"
                    "再做任何操作。"
                ),
            ),
            (
                "agent",
                (
                    "如果您的钱包支持“加速”(RBF)或 CPFP 功能,也可以在钱包里提高手续费来加快确认;"
                    "平台这边无法替您加速链上交易。我们会暂时挂起本工单,并持续关注这笔交易的状"
                    "态。"
                ),
            ),
        ],
    },
    {
        "customer": "75090594",
        "channel": "email",
        "language": "en",
        "category": "account-kyc",
        "subject": "Selfie step keeps failing",
        "status": "pending",
        "priority": "p2",
        "tags": ["kyc-rejected", "selfie"],
        "fields": {},
        "assignee": "alice",
        "age_hours": 48,
        "messages": [
            (
                "customer",
                (
                    "My verification keeps failing at the selfie step. It says 'liveness check "
                    "failed'. I've tried three times. What am I doing wrong?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Liam, sorry for the frustration. The liveness check most often fails "
                    "because of dim lighting, a bright light behind you, glasses or a hat, or "
                    "your face leaving the frame during the prompts. Please try again in a "
                    "well-lit room facing the light, without glasses or headwear, holding the "
                    "phone at eye level and following the on-screen movements slowly. If "
                    "you've been using the website, the mobile app often works better. Let me "
                    "know how it goes; if it fails again, I can request a manual review for "
                    "you."
                ),
            ),
        ],
    },
    {
        "customer": "57970905",
        "channel": "phone",
        "language": "zh-hans",
        "category": "withdrawal",
        "subject": "大额提现一直显示审核中(回电)",
        "status": "solved",
        "priority": "p2",
        "tags": ["risk-review"],
        "fields": {
            "coin": "USDT",
            "network": "TRC20",
            "txid": "538cf70507fa27635d12f5db408fd86ff1b1b08e83cd5624d893613974c7e22f",
            "amount": "12000.00",
            "address": "TH4by3KL6W1Z4ViEnRX4E1kD72Zwr9Fzv7",
        },
        "assignee": "li.na",
        "age_hours": 50,
        "messages": [
            (
                "customer",
                (
                    "回电请求:我昨晚提现 12000 USDT 到自己的钱包,到现在还显示“审核中”,以前从来"
                    "没等过这么久。麻烦尽快给我回个电话,号码就是账户绑定的那个。"
                ),
            ),
            (
                "note",
                (
                    "风控队列显示:该笔提现同时命中“大额”和“首次使用地址”规则,需要用户补充资金来"
                    "源说明。"
                ),
            ),
            (
                "agent",
                (
                    "回电记录:今天 10:15 已回电,通话约 7 分钟。向客户说明该笔提现进入了安全审核,"
                    "原因是金额较大且收款地址为首次使用,这是保护资产的常规流程,并非账户异常。"
                    "已引导客户在工单中上传近期交易记录和资金来源说明。通话中未索取任何密码或验"
                    "证码。"
                ),
            ),
            (
                "agent",
                (
                    "刘先生您好,您补充的材料已经审核通过,这笔 12000 USDT 的提现已放行,交易哈希"
                    "可以在提现记录中查看。感谢您的理解与配合!"
                ),
            ),
        ],
    },
    {
        "customer": "49278174",
        "channel": "social",
        "language": "en",
        "category": "security",
        "subject": "'Support agent' asked for my seed phrase",
        "status": "solved",
        "priority": "p1",
        "tags": ["phishing", "fake-support"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 90,
        "messages": [
            (
                "customer",
                (
                    "Someone messaged me on a chat app claiming to be from your support team. "
                    "They said my account was flagged and I had to 'verify my wallet' by "
                    "typing my 12-word seed phrase into a form. Is this real??"
                ),
            ),
            (
                "agent",
                (
                    "Hi Aisha, thank you for checking with us first. This is a scam. Our staff "
                    "will never message you first on a chat app, and we will never ask for "
                    "your password, 2FA codes, seed phrase or private keys, under any "
                    "circumstances. Anyone who has your seed phrase can empty that wallet, so "
                    "please don't enter it anywhere. Did you type it into that form, or share "
                    "any other details with them?"
                ),
            ),
            (
                "customer",
                "No, I didn't enter anything. It just felt off.",
            ),
            (
                "agent",
                (
                    "You did exactly the right thing. Please block and report that account. "
                    "You can also set an anti-phishing code under Security settings; it will "
                    "appear in every genuine email we send you. Whenever you need us, please "
                    "use the live chat in the app or on our official website."
                ),
            ),
            (
                "note",
                "Impersonator handle sent to brand protection for takedown.",
            ),
        ],
    },
    {
        "customer": "78696528",
        "channel": "social",
        "language": "zh-hans",
        "category": "security",
        "subject": "有人冒充客服索要助记词",
        "status": "closed",
        "priority": "p1",
        "tags": ["phishing", "fake-support"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 240,
        "messages": [
            (
                "customer",
                (
                    "我在一个币圈群里问了提币的问题,马上就有个用你们标志当头像的“官方客服”私聊"
                    "我,说可以帮我处理,让我提供钱包助记词和二次验证码。这是你们的人吗?我还没给。"
                ),
            ),
            (
                "agent",
                (
                    "您好,感谢您第一时间来向我们核实,您没有提供信息的做法完全正确!那个账号不是"
                    "我们的客服。我们的工作人员不会主动私信用户,也绝不会索要您的密码、二次验证"
                    "码、助记词或私钥。任何人向您要这些信息,都可以直接判定为诈骗。"
                ),
            ),
            (
                "agent",
                (
                    "建议您:1)拉黑并举报该账号;2)在账户安全中心设置防钓鱼码,之后平台发出的官方"
                    "邮件都会带上这串字符;3)需要联系客服时,只通过官网或 App 内的在线客服入口。"
                    "如果您怀疑信息已经泄露,请马上回复我们,我们会协助您冻结账户。"
                ),
            ),
            (
                "note",
                "已将冒充账号信息提交品牌保护组,申请下架处理。",
            ),
            (
                "customer",
                "明白了,谢谢提醒,我已经举报了。",
            ),
        ],
    },
    {
        "customer": "40454448",
        "channel": "phone",
        "language": "en",
        "category": "withdrawal",
        "subject": "Callback: BTC withdrawal under review",
        "status": "open",
        "priority": "p1",
        "tags": ["risk-review"],
        "fields": {
            "coin": "BTC",
            "network": "BTC",
            "amount": "0.42",
            "address": "bc1qjv378wpelc5tnwy0kfda5uskjfuc48a6k599lt",
        },
        "assignee": "omar",
        "age_hours": 20,
        "messages": [
            (
                "customer",
                (
                    "Callback request: my BTC withdrawal of 0.42 has been 'under review' since "
                    "last night. I need the funds for a payment this week. Please call me back "
                    "on the number registered on my account."
                ),
            ),
            (
                "agent",
                (
                    "Callback notes: called back, about 6 minutes. Explained that the "
                    "withdrawal was picked for a routine security review because it goes to an "
                    "address the account has not used before. Told the customer we would not "
                    "ask for any password or code. Customer agreed to fill in a short "
                    "questionnaire about the destination in this ticket."
                ),
            ),
            (
                "note",
                (
                    "Risk queue: flagged on new address + amount threshold. Questionnaire "
                    "sent, waiting for a reviewer."
                ),
            ),
            (
                "customer",
                "Filled in the questionnaire. It's my own hardware wallet.",
            ),
        ],
    },
    {
        "customer": "37248014",
        "channel": "chat",
        "language": "zh-hans",
        "category": "security",
        "subject": "紧急:账户被盗,8300 USDT 被提走",
        "status": "open",
        "priority": "p0",
        "tags": ["account-compromised", "unauthorised-withdrawal", "vip"],
        "fields": {
            "coin": "USDT",
            "network": "TRC20",
            "txid": "5303496af18664678e0da65f95fcd6c4cfe5bb2988db30a0795c6e67494d6192",
            "amount": "8300.00",
            "address": "TFj3gHKJ8QMTHNZWo4nNiCd3WtyCx2N8m8",
        },
        "assignee": "chen.wei",
        "age_hours": 3,
        "messages": [
            (
                "customer",
                (
                    "紧急!!我刚收到提现成功的短信,8300 USDT 被提走了,根本不是我操作的!我人在外"
                    "地开会,手机一直在我身上。你们赶紧给我拦下来!!!"
                ),
            ),
            (
                "agent",
                (
                    "杨先生您好,我是安全团队的陈伟。请先放心,我们已经立即冻结了您的账户,账户里"
                    "剩余的资产目前无法被转出。我完全理解您现在的焦急,接下来会由我全程跟进。为"
                    "了排查原因,请您回忆一下:最近是否在陌生网站登录过账户,或者安装过来源不明的"
                    "插件或 App?处理过程中我们绝不会向您索要密码、验证码或私钥。"
                ),
            ),
            (
                "note",
                (
                    "账户已于 02:14 UTC 冻结。日志:01:37 新设备 + 境外 IP 登录,01:49 发起 8300 "
                    "USDT (TRC20)提现并已上链,无法撤回。已升级 Security,收款地址已加入风险名单。"
                ),
            ),
            (
                "customer",
                "前几天确实在一个搜出来的网站上登录过一次……那钱还能追回来吗?",
            ),
            (
                "agent",
                (
                    "感谢您如实告诉我们,那很可能就是钓鱼网站。这笔提现在冻结之前已经上链,链上转"
                    "账无法撤回,所以我们不能承诺一定追回;不过安全团队已经标记了收款地址,并会配"
                    "合执法机关调查。建议您尽快向当地警方报案,并把报案回执发给我们。解冻之前,我"
                    "们会协助您重置密码和二次验证,并清除所有 API 密钥和已登录设备。"
                ),
            ),
        ],
    },
    {
        "customer": "51461877",
        "channel": "email",
        "language": "en",
        "category": "fees",
        "subject": "How is my VIP fee tier reviewed?",
        "status": "closed",
        "priority": "p3",
        "tags": ["fee-tier", "vip"],
        "fields": {},
        "assignee": "alice",
        "age_hours": 380,
        "messages": [
            (
                "customer",
                (
                    "Hello, my trading volume has been lower over the last few weeks and I'm "
                    "worried about losing my VIP 5 fee rate. How exactly is the tier reviewed, "
                    "and is there any grace period?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Priya, thank you for your question. Fee tiers are re-evaluated once a "
                    "day using your rolling 30-day trading volume together with your average "
                    "asset balance; meeting either the volume or the balance requirement for a "
                    "tier is enough to keep it. There is currently no grace period, so any "
                    "change would apply from the next daily update. Your current figures still "
                    "meet the VIP 5 requirements, and you can follow them on the Fee Rates "
                    "page at any time."
                ),
            ),
            (
                "customer",
                "That's clear, thank you Alice.",
            ),
            (
                "agent",
                "You're welcome! Feel free to reach out any time.",
            ),
        ],
    },
    {
        "customer": "60392248",
        "channel": "web",
        "language": "zh-hans",
        "category": "account-kyc",
        "subject": "身份认证被拒:证件照片不清晰",
        "status": "pending",
        "priority": "p2",
        "tags": ["kyc-rejected", "blurry-document"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 26,
        "messages": [
            (
                "customer",
                (
                    "身份认证提交了两次都被拒,提示“证件图像不清晰”,可我拍得挺清楚的啊,到底要怎"
                    "么拍才能通过?"
                ),
            ),
            (
                "agent",
                (
                    "赵女士您好,抱歉让您反复提交。审核时照片需要满足:证件四个角完整入镜,文字和"
                    "人像清晰可辨,没有反光、阴影或遮挡,也不能是截图或对着屏幕翻拍的照片。建议您"
                    "把证件放在深色、平整的桌面上,在自然光下正对拍摄,并关闭闪光灯。按上述要求重"
                    "新上传后请回复本工单,我们会帮您留意审核进度。"
                ),
            ),
        ],
    },
    {
        "customer": "72257377",
        "channel": "web",
        "language": "en",
        "category": "other",
        "subject": "Card payment declined three times",
        "status": "new",
        "priority": "p3",
        "tags": ["card-payment"],
        "fields": {},
        "assignee": None,
        "age_hours": 6,
        "messages": [
            (
                "customer",
                (
                    "I tried to buy crypto with my debit card three times and it keeps getting "
                    "declined, but my bank says they didn't block anything. Was I charged? I "
                    "can see a pending amount in my banking app."
                ),
            ),
        ],
    },
    {
        "customer": "92666318",
        "channel": "email",
        "language": "zh-hans",
        "category": "account-kyc",
        "subject": "认证被拒:姓名与证件不一致",
        "status": "solved",
        "priority": "p2",
        "tags": ["kyc-rejected", "name-mismatch"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 120,
        "messages": [
            (
                "customer",
                (
                    "你好,我的高级认证被拒了,理由是“姓名与证件不一致”。我核对了一下,提交时把“黄"
                    "志强”打成了“黄智强”,这个能改吗?"
                ),
            ),
            (
                "agent",
                (
                    "黄先生您好,感谢您主动核对信息。认证资料提交后,姓名无法自行修改,我们已经为"
                    "您重置了这次的认证记录。请重新进入认证页面,严格按照身份证上的姓名填写,再重"
                    "新上传证件照片并完成人脸验证。"
                ),
            ),
            (
                "customer",
                "已经重新提交了。",
            ),
            (
                "agent",
                "您的认证已经审核通过,现在可以正常使用全部功能了。如有其他问题,欢迎随时联系我们。",
            ),
        ],
    },
    {
        "customer": "34679397",
        "channel": "api",
        "language": "en",
        "category": "api",
        "subject": "API withdrawals return 'permission denied'",
        "status": "solved",
        "priority": "p2",
        "tags": ["api-permissions"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 130,
        "messages": [
            (
                "customer",
                (
                    "My bot can place orders fine, but every withdrawal request through the "
                    "API returns 'permission denied'. It's the same key. What am I missing?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Hannah, thanks for the clear description. Each API key has its own "
                    "permissions, and withdrawals are disabled by default. To enable them, "
                    "edit the key in API Management, tick the withdrawal permission and "
                    "complete the security check. For safety, withdrawal permission can only "
                    "be switched on for a key that is restricted to trusted IP addresses, and "
                    "API withdrawals can only go to whitelisted addresses."
                ),
            ),
            (
                "customer",
                "Ah, the key wasn't IP-restricted. Added my server's IP and it works now.",
            ),
            (
                "agent",
                (
                    "Perfect. One more tip: keep separate keys for trading and for "
                    "withdrawals, and never share the secret key with anyone, including us. "
                    "Happy to help if anything else comes up."
                ),
            ),
        ],
    },
    {
        "customer": "40588364",
        "channel": "phone",
        "language": "zh-hans",
        "category": "security",
        "subject": "手机丢失,无法完成二次验证(回电)",
        "status": "pending",
        "priority": "p1",
        "tags": ["2fa-reset", "lost-device"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 40,
        "messages": [
            (
                "customer",
                (
                    "回电请求:手机丢了,身份验证器 App 也跟着没了,现在登录要输入验证码,进不去账"
                    "户。账户里还有资产,很着急,请回电。"
                ),
            ),
            (
                "agent",
                (
                    "回电记录:已回电,通话约 9 分钟。确认该账户近期没有异常登录或提现。向客户说"
                    "明重置流程:在登录页选择“安全验证不可用”,提交重置申请并完成证件与人脸核验,"
                    "安全团队审核后会发邮件告知结果。同时提醒客户:重置成功后 24 小时内提现会暂"
                    "时受限;整个过程中客服不会索要密码或任何验证码。"
                ),
            ),
            (
                "note",
                "客户尚未提交重置申请,工单置为等待客户操作。",
            ),
            (
                "agent",
                (
                    "周女士您好,电话里我们已经说明了重置步骤。您提交申请并完成人脸核验后,请回复"
                    "本工单,我们会优先跟进审核。"
                ),
            ),
        ],
    },
    {
        "customer": "70810861",
        "channel": "chat",
        "language": "en",
        "category": "p2p",
        "subject": "Paid on P2P, seller not releasing",
        "status": "open",
        "priority": "p1",
        "tags": ["p2p-dispute", "appeal"],
        "fields": {
            "coin": "USDT",
            "amount": "320.00",
        },
        "assignee": "omar",
        "age_hours": 9,
        "messages": [
            (
                "customer",
                (
                    "I bought 320 USDT on P2P, paid by bank transfer and marked the order as "
                    "paid. The seller hasn't released for over an hour and isn't answering. "
                    "This is really frustrating."
                ),
            ),
            (
                "agent",
                (
                    "Hi Kwame, I'm sorry you're dealing with this, and I understand the "
                    "frustration. Please don't cancel the order: the USDT is locked in escrow "
                    "and stays protected while the order is open. I've opened an appeal for "
                    "you. Could you upload your bank transfer receipt showing the sender name, "
                    "the recipient name, the amount and the time?"
                ),
            ),
            (
                "customer",
                "Uploaded. The names are all visible.",
            ),
            (
                "note",
                (
                    "Seller says funds not yet in their account; interbank transfer may still "
                    "be clearing. Asked seller for a bank statement within the appeal deadline."
                ),
            ),
            (
                "agent",
                (
                    "Thanks, Kwame. The seller says the payment hasn't reached their account "
                    "yet, which can happen when transfers between banks take longer. We've "
                    "asked them for a bank statement. If the payment has arrived, the appeal "
                    "team will release the USDT to you. I'll update you here as soon as we "
                    "hear back."
                ),
            ),
        ],
    },
    {
        "customer": "44938300",
        "channel": "api",
        "language": "zh-hans",
        "category": "api",
        "subject": "量化程序频繁返回 429 / 418",
        "status": "open",
        "priority": "p2",
        "tags": ["rate-limit", "vip"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 8,
        "messages": [
            (
                "customer",
                (
                    "我们的量化程序从今天早上开始频繁收到 HTTP 429,随后又出现 418。程序每秒只查"
                    "一次行情,怎么会超限?请技术同事帮忙看一下。"
                ),
            ),
            (
                "note",
                (
                    "查了网关日志:该 IP 过去一小时多次超出请求权重上限,主要来自每秒轮询全量深度"
                    "接口(单次权重较高),另有循环查询挂单的请求。418 为超限后继续请求导致的临时"
                    "封禁。"
                ),
            ),
            (
                "agent",
                (
                    "吴先生您好,感谢反馈。从网关日志看,程序每秒调用的是全量深度接口,这个接口单"
                    "次消耗的权重较高,再加上循环查询挂单,一分钟内的累计权重超过了上限,所以返回 "
                    "429;收到 429 后仍继续请求,系统就会对该 IP 临时封禁并返回 418。建议:1)行情"
                    "和订单状态改用 WebSocket 订阅推送;2)降低深度接口的档位和请求频率;3)读取响"
                    "应头中的已用权重字段,接近上限时主动退避。封禁到期后会自动解除。"
                ),
            ),
            (
                "customer",
                "明白了,我们先改成 WebSocket 订阅。另外想问一下,VIP 账户有没有更高的频率限额?",
            ),
        ],
    },
    {
        "customer": "93927904",
        "channel": "phone",
        "language": "en",
        "category": "security",
        "subject": "Callback: phone stolen, can't pass 2FA",
        "status": "on_hold",
        "priority": "p1",
        "tags": ["2fa-reset", "lost-device"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 60,
        "messages": [
            (
                "customer",
                (
                    "Callback request: my phone was stolen and my authenticator app was on it. "
                    "I can't log in. Please call me, I don't know what to do."
                ),
            ),
            (
                "agent",
                (
                    "Callback notes: called back, around 10 minutes. Customer very worried; "
                    "reassured her that the account shows no new logins or withdrawals. Walked "
                    "her through the 2FA reset: 'Security verification unavailable' on the "
                    "login screen, ID upload and face verification. Reminded her we never ask "
                    "for codes or passwords. She submitted the request during the call."
                ),
            ),
            (
                "note",
                (
                    "Reset request is in the manual review queue (face match score "
                    "borderline). Waiting for a Security reviewer."
                ),
            ),
            (
                "agent",
                (
                    "Hi Elena, thanks for completing the reset request during our call. It's "
                    "now with our security reviewers, and you'll get an email once a decision "
                    "is made. After the reset, withdrawals will be paused for 24 hours as a "
                    "safety measure. If anything changes in the meantime, just reply here."
                ),
            ),
        ],
    },
    {
        "customer": "20290525",
        "channel": "chat",
        "language": "zh-hans",
        "category": "trading",
        "subject": "ETH 限价买单为什么没成交",
        "status": "closed",
        "priority": "p3",
        "tags": ["spot-order"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 200,
        "messages": [
            (
                "customer",
                (
                    "我挂了一个 ETH 的限价买单,价格是 2950,昨天行情明明跌到过 2950,为什么我的单"
                    "子没有成交?"
                ),
            ),
            (
                "agent",
                (
                    "孙女士您好,我们查看了这笔订单。限价买单只有在市场上有人以不高于 2950 的价"
                    "格卖出时才会成交。昨天的最低成交价确实触及 2950,但在这个价位上排在您前面的"
                    "买单较多,按照“价格优先、时间优先”的撮合规则,这一档的卖单被前面的买单吃完后"
                    "价格就反弹了,所以您的订单没有成交。订单目前仍在挂单中,您可以在“当前委托”里"
                    "选择继续等待或撤单。"
                ),
            ),
            (
                "customer",
                "哦,原来是排队的问题,明白了。",
            ),
        ],
    },
    {
        "customer": "55169927",
        "channel": "chat",
        "language": "en",
        "category": "futures",
        "subject": "ETH short liquidated on a wick",
        "status": "solved",
        "priority": "p1",
        "tags": ["liquidation", "vip"],
        "fields": {},
        "assignee": "alice",
        "age_hours": 75,
        "messages": [
            (
                "customer",
                (
                    "This is ridiculous. My ETH short got liquidated in a three-minute wick "
                    "and then the price went right back. You guys hunt stops. I want my money "
                    "back NOW."
                ),
            ),
            (
                "agent",
                (
                    "Hi Marcus, I'm sorry about this loss and I understand why you're upset. "
                    "Let me go through exactly what happened. Your ETHUSDT short used isolated "
                    "margin at 25x. During that spike, the mark price, which is based on an "
                    "index of several spot markets and not only on our order book, rose above "
                    "your liquidation price of 3,412.6 for about 40 seconds, so the system "
                    "closed the position. Liquidations are triggered automatically and nobody "
                    "on our side can target individual positions."
                ),
            ),
            (
                "note",
                (
                    "Checked: mark price peaked at 3,418.9, index sources consistent, no "
                    "platform incident in that window. Not eligible for compensation."
                ),
            ),
            (
                "agent",
                (
                    "I've also checked for any platform incident or abnormal pricing in that "
                    "window, and there was none, so unfortunately we can't reverse or "
                    "compensate the liquidation. At 25x, a move of roughly 4% against the "
                    "position is enough to reach liquidation. You can add margin to an open "
                    "position or pick a lower leverage to give it more room. I can't advise on "
                    "trading decisions, but I'm happy to show you how these settings work."
                ),
            ),
            (
                "customer",
                "Fine. Show me where the margin settings are.",
            ),
            (
                "agent",
                (
                    "Of course: open the position on the Futures page and tap the pencil icon "
                    "next to 'Margin' to add or remove margin. Leverage can be changed with "
                    "the leverage button above the order form before you open a new position."
                ),
            ),
        ],
    },
    {
        "customer": "94433596",
        "channel": "social",
        "language": "zh-hans",
        "category": "trading",
        "subject": "市价单成交价偏离太多",
        "status": "solved",
        "priority": "p2",
        "tags": ["slippage", "market-order"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 96,
        "messages": [
            (
                "customer",
                (
                    "你们平台就是在坑人!我下市价单买一个小币,页面上显示 0.52,成交均价居然是 "
                    "0.547,差了 5% 多!这不是割韭菜是什么?给我个说法!"
                ),
            ),
            (
                "agent",
                (
                    "马先生您好,非常抱歉这次交易给您带来了不好的体验,我们理解您的不满。我们调取"
                    "了订单详情:该交易对的深度较浅,而您的市价单金额较大,系统依次成交了卖一到卖"
                    "五共五档挂单,最后一档的价格是 0.561,所以整体成交均价为 0.547。市价单以尽快"
                    "成交为优先,不保证成交价格,在流动性较低的交易对上很容易产生滑点。"
                ),
            ),
            (
                "agent",
                (
                    "今后在这类交易对上,您可以使用限价单来控制成交价格,或者把大额订单拆成几笔下"
                    "单。这笔订单是按照当时真实的挂单撮合成交的,我们无法撤销或补偿,还请您谅解。"
                ),
            ),
            (
                "customer",
                "行吧,以后注意。",
            ),
        ],
    },
    {
        "customer": "96146260",
        "channel": "social",
        "language": "en",
        "category": "trading",
        "subject": "Stop-limit order triggered but not filled",
        "status": "closed",
        "priority": "p3",
        "tags": ["spot-order", "stop-limit"],
        "fields": {},
        "assignee": "omar",
        "age_hours": 260,
        "messages": [
            (
                "customer",
                (
                    "Why didn't my stop-limit order fill? Stop was 0.95, limit 0.94. The price "
                    "dropped to 0.93 and my order is still sitting there."
                ),
            ),
            (
                "agent",
                (
                    "Hi Yuki, thanks for reaching out. When the last price hit your stop at "
                    "0.95, the order was triggered and placed as a limit sell at 0.94. The "
                    "price then fell through 0.94 so quickly that the bids at that level were "
                    "used up before your order's turn came, and it has been waiting on the "
                    "book since. A sell limit at 0.94 only fills if someone buys at 0.94 or "
                    "higher. If you want a bigger buffer, you can set the limit further from "
                    "the stop price, keeping in mind that this may mean a lower fill price."
                ),
            ),
            (
                "customer",
                "Makes sense, thanks.",
            ),
        ],
    },
    {
        "customer": "45226916",
        "channel": "web",
        "language": "zh-hans",
        "category": "other",
        "subject": "银行卡买币一直失败",
        "status": "new",
        "priority": "p3",
        "tags": ["card-payment"],
        "fields": {},
        "assignee": None,
        "age_hours": 2,
        "messages": [
            (
                "customer",
                (
                    "你好,我刚注册,想用银行卡直接买 USDT,但付款一直失败,提示“交易被拒绝”。卡里"
                    "余额是够的,是哪里出了问题?"
                ),
            ),
            (
                "customer",
                "补充一下:我还没有做身份认证,不知道有没有关系。",
            ),
        ],
    },
    {
        "customer": "28253237",
        "channel": "email",
        "language": "en",
        "category": "security",
        "subject": "URGENT: withdrawal I did not make",
        "status": "open",
        "priority": "p0",
        "tags": ["unauthorised-withdrawal", "account-compromised"],
        "fields": {
            "coin": "ETH",
            "network": "ERC20",
            "txid": "0xe75ec1c73ce1908161fc9b24ae04a457e69b525abe5a35da2d4ff05b571121e1",
            "amount": "2.8",
            "address": "0xe587e52ce985d803c0ad57a5ecd85eb9f9586aec",
        },
        "assignee": "chen.wei",
        "age_hours": 4,
        "messages": [
            (
                "customer",
                (
                    "I just got an email confirming a withdrawal of 2.8 ETH that I did NOT "
                    "make. I'm panicking. Please stop it!! Freeze everything!!"
                ),
            ),
            (
                "agent",
                (
                    "Hi Noah, I'm Chen Wei from our Security team. I've frozen your account "
                    "right away, so no further withdrawals, trades or logins can happen. I "
                    "know this is very alarming, and I'll stay with you on this. Please don't "
                    "reply to any email or message that asks you for codes: we will never "
                    "request your password, 2FA codes, seed phrase or private keys."
                ),
            ),
            (
                "note",
                (
                    "Account frozen 09:12 UTC. 2.8 ETH withdrawal broadcast 08:57 UTC, already "
                    "confirmed, cannot be recalled. Login from unknown device, email "
                    "confirmation passed; suspect email account compromise. Destination on "
                    "watchlist; escalating to Security investigations."
                ),
            ),
            (
                "agent",
                (
                    "Here's where things stand. The 2.8 ETH withdrawal was completed on the "
                    "blockchain before the freeze, and on-chain transfers can't be reversed, "
                    "so I can't promise recovery. Our investigations team has flagged the "
                    "receiving address and will work with law enforcement. Since the "
                    "withdrawal was confirmed through your email, please secure that first: "
                    "change its password from a clean device and check for forwarding rules "
                    "you didn't set. We also recommend filing a police report and sharing the "
                    "reference number with us."
                ),
            ),
            (
                "customer",
                (
                    "Email password changed. Police report filed, reference attached. What "
                    "happens to the rest of my funds?"
                ),
            ),
        ],
    },
    {
        "customer": "21315462",
        "channel": "api",
        "language": "zh-hans",
        "category": "futures",
        "subject": "永续合约多单被强平,价格没到强平价",
        "status": "pending",
        "priority": "p1",
        "tags": ["liquidation", "mark-price"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 18,
        "messages": [
            (
                "customer",
                (
                    "我的 BTCUSDT 永续合约多单被强平了!当时最新价最低只到 61800,我的强平价是 "
                    "61500,根本没到,凭什么强平?"
                ),
            ),
            (
                "agent",
                (
                    "王先生您好,理解您遇到强平后的心情,我们来帮您逐项核对。平台判断是否强平使用"
                    "的是“标记价格”,而不是最新成交价。标记价格参考多家现货市场的指数价格计算,目"
                    "的是避免个别异常成交引发强平。当时标记价格最低到过 61480,低于您的强平价 "
                    "61500,因此触发了强平。"
                ),
            ),
            (
                "agent",
                (
                    "为了进一步核实,请您确认这个仓位是逐仓还是全仓模式,以及强平前同一账户里是否"
                    "还有其他亏损的仓位(全仓模式下各仓位共用保证金,强平价会随之变化)。收到回复"
                    "后,我们会把完整的强平明细发给您。"
                ),
            ),
        ],
    },
    {
        "customer": "77328322",
        "channel": "api",
        "language": "en",
        "category": "withdrawal",
        "subject": "XRP withdrawal returned",
        "status": "pending",
        "priority": "p2",
        "tags": ["destination-tag"],
        "fields": {
            "coin": "XRP",
            "network": "XRP",
            "amount": "300",
            "address": "r8SXgnt7MhK2guq2YDboYHaQV9AikievE",
        },
        "assignee": "bob",
        "age_hours": 28,
        "messages": [
            (
                "customer",
                (
                    "My XRP withdrawal failed with status 'Returned'. The 300 XRP are back in "
                    "my balance, which is a relief, but why did it fail?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Daniel, thanks for flagging this. The receiving address belongs to a "
                    "service that requires a destination tag, and the XRP Ledger rejects "
                    "payments to such addresses when no tag is included, so the funds came "
                    "back to your account. Could you check with the receiving platform which "
                    "destination tag belongs to your account there? Then submit the withdrawal "
                    "again with both the address and the tag, and reply here if anything looks "
                    "off."
                ),
            ),
        ],
    },
    {
        "customer": "38132804",
        "channel": "email",
        "language": "zh-hans",
        "category": "futures",
        "subject": "合约账户被扣“资金费用”是什么",
        "status": "closed",
        "priority": "p3",
        "tags": ["funding-fee", "vip"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 300,
        "messages": [
            (
                "customer",
                (
                    "请问为什么我的合约账户每隔几个小时就被扣一点 USDT?明细里写的是“资金费用”,"
                    "这是平台收的手续费吗?"
                ),
            ),
            (
                "agent",
                (
                    "李女士您好。资金费用不是平台收取的手续费,而是多空双方之间互相支付的费用,作"
                    "用是让永续合约价格贴近现货价格。资金费率为正时,多头向空头支付;为负时,空头"
                    "向多头支付。一般每 8 小时结算一次(个别合约频率不同),只有在结算时刻持有仓位"
                    "才会收取或获得。您在这几次结算时持有多仓且费率为正,所以扣除了相应金额。当"
                    "前费率和下次结算倒计时可以在合约交易页面查看。"
                ),
            ),
            (
                "customer",
                "明白了,谢谢解释。",
            ),
        ],
    },
    {
        "customer": "28263628",
        "channel": "phone",
        "language": "en",
        "category": "trading",
        "subject": "Callback: market sell filled far below chart price",
        "status": "new",
        "priority": "p2",
        "tags": ["slippage"],
        "fields": {},
        "assignee": None,
        "age_hours": 3,
        "messages": [
            (
                "customer",
                (
                    "Callback request: a few minutes ago I placed a large market sell on a "
                    "small-cap token and the average price is far below what the chart showed. "
                    "I'd like someone to walk me through what happened. Please call me back "
                    "this afternoon."
                ),
            ),
        ],
    },
    {
        "customer": "17247691",
        "channel": "chat",
        "language": "zh-hans",
        "category": "p2p",
        "subject": "P2P 已付款,卖家不放币",
        "status": "on_hold",
        "priority": "p1",
        "tags": ["p2p-dispute", "appeal"],
        "fields": {
            "coin": "USDT",
            "amount": "700.00",
        },
        "assignee": "bob",
        "age_hours": 14,
        "messages": [
            (
                "customer",
                (
                    "我在 P2P 买了 700 USDT,已经按订单银行转账付款,也点了“我已付款”,卖家半个多"
                    "小时不放币,也不回消息。怎么办?"
                ),
            ),
            (
                "agent",
                (
                    "张先生您好,请您先不要取消订单,取消后将无法保障您的权益。您的订单已经进入申"
                    "诉流程,请在申诉页面上传银行转账凭证(需要能看到付款人姓名、收款人姓名、金额"
                    "和时间)。另外,请只在平台的订单聊天里沟通,不要添加对方的站外联系方式。"
                ),
            ),
            (
                "customer",
                "凭证已经传了。",
            ),
            (
                "note",
                (
                    "卖家超时未响应,申诉组已介入,已向卖家发送限时回复通知。订单中的币由平台托管"
                    "冻结,卖家无法转移。"
                ),
            ),
            (
                "agent",
                (
                    "感谢配合!申诉专员已经介入,订单中的 USDT 由平台托管锁定,卖家无法挪用。目前"
                    "正在等待卖家在规定时限内回应;如果卖家无法给出合理解释,申诉专员会根据凭证判"
                    "定放币。有进展会立即通知您。"
                ),
            ),
        ],
    },
    {
        "customer": "75090594",
        "channel": "web",
        "language": "en",
        "category": "withdrawal",
        "subject": "Withdrawals unavailable after changing 2FA",
        "status": "solved",
        "priority": "p2",
        "tags": ["withdrawal-lock", "2fa-reset"],
        "fields": {},
        "assignee": "alice",
        "age_hours": 110,
        "messages": [
            (
                "customer",
                (
                    "I set up a new authenticator app yesterday after changing phones. Now "
                    "withdrawals say 'temporarily unavailable'. Is my account locked?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Liam, your account isn't locked, and everything else works as usual. "
                    "When 2FA is changed or reset, we pause withdrawals for 24 hours in case "
                    "someone else made that change. Yours was changed yesterday at 18:40 UTC, "
                    "so withdrawals will reopen automatically at 18:40 UTC today. Deposits and "
                    "trading are not affected. Sorry for the inconvenience; this pause can't "
                    "be lifted early."
                ),
            ),
            (
                "customer",
                "OK, makes sense. I'll wait.",
            ),
        ],
    },
    {
        "customer": "57970905",
        "channel": "phone",
        "language": "zh-hans",
        "category": "p2p",
        "subject": "P2P 收到第三方付款,是否放币(回电)",
        "status": "new",
        "priority": "p1",
        "tags": ["p2p", "third-party-payment"],
        "fields": {},
        "assignee": None,
        "age_hours": 1,
        "messages": [
            (
                "customer",
                (
                    "回电请求:我在 P2P 卖 USDT,收到的银行转账付款人名字和买家的实名不一样,我还"
                    "没放币。买家一直在催,我该不该放?请尽快回电。"
                ),
            ),
        ],
    },
    {
        "customer": "49278174",
        "channel": "chat",
        "language": "en",
        "category": "deposit",
        "subject": "Small USDC test deposit not credited",
        "status": "closed",
        "priority": "p2",
        "tags": ["below-minimum"],
        "fields": {
            "coin": "USDC",
            "network": "SOL",
            "txid": (
                "QhuVR9SbKN2xmZ9eTuDAAiFtNH2EAyfSTq7oGMZcKUKP4MKwvoxFhxnmt3p5RNiGUfFy3tqtRAvPnm"
                "ZjoE543pg"
            ),
            "amount": "0.50",
            "address": "ksgN5HHyKqde9u9kecCNJQRzm8rZ6GoA9RG4GUbHtGMY",
        },
        "assignee": "alice",
        "age_hours": 310,
        "messages": [
            (
                "customer",
                (
                    "I sent 0.5 USDC over Solana as a test before sending a larger amount. "
                    "It's confirmed on chain but not in my account."
                ),
            ),
            (
                "agent",
                (
                    "Hi Aisha, thanks for testing first, that's a good habit. I found your "
                    "transaction and it reached your correct deposit address. The deposit page "
                    "shows a minimum deposit for each network, and for USDC on Solana it's "
                    "currently 1 USDC, so this one wasn't credited automatically. Under our "
                    "platform's rules, an amount below the minimum is held and credited "
                    "together with your next deposit to the same address once the combined "
                    "total is above the minimum."
                ),
            ),
            (
                "customer",
                "Got it. I sent 200 USDC and both arrived together.",
            ),
            (
                "agent",
                "Glad to hear it, thanks for confirming. I'll close this ticket now.",
            ),
        ],
    },
    {
        "customer": "78696528",
        "channel": "web",
        "language": "zh-hans",
        "category": "fees",
        "subject": "VIP 费率等级怎么计算",
        "status": "closed",
        "priority": "p3",
        "tags": ["fee-tier"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 150,
        "messages": [
            (
                "customer",
                "请问你们的 VIP 等级是怎么算的?我想知道达到什么条件手续费才能降低。",
            ),
            (
                "agent",
                (
                    "陈女士您好,感谢咨询。平台的费率等级根据过去 30 天的现货和合约交易量,以及账"
                    "户资产余额综合评定,每天更新一次。等级越高,挂单(Maker)和吃单(Taker)费率越低。"
                    "您目前是 VIP1,各等级的门槛和费率可以在“费率标准”页面查看。也提醒您,请根"
                    "据自己的实际情况理性交易,不必为了升级而刻意增加交易量。"
                ),
            ),
            (
                "customer",
                "好的,我去看看。",
            ),
        ],
    },
    {
        "customer": "40454448",
        "channel": "api",
        "language": "en",
        "category": "trading",
        "subject": "Open order vanished after pair removal",
        "status": "on_hold",
        "priority": "p2",
        "tags": ["delisting"],
        "fields": {},
        "assignee": "omar",
        "age_hours": 80,
        "messages": [
            (
                "customer",
                (
                    "One of my open limit orders disappeared and then I found an announcement "
                    "about the trading pair being removed. Where did my funds go, and can I "
                    "still withdraw the token?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Tomasz, thank you for your patience. That pair was removed as "
                    "announced, and all open orders on it were cancelled automatically at the "
                    "removal time. The funds reserved by your order went back to your spot "
                    "wallet, so nothing was lost. The token itself can still be withdrawn for "
                    "a limited period; the final date is in the announcement."
                ),
            ),
            (
                "customer",
                "I tried to withdraw it and it says withdrawals are paused.",
            ),
            (
                "note",
                (
                    "Wallet team confirms withdrawals for this token are paused because of a "
                    "node issue; no ETA yet."
                ),
            ),
            (
                "agent",
                (
                    "You're right, and I'm sorry for the confusion. Withdrawals of this token "
                    "are temporarily paused while our wallet team fixes a node issue. I've put "
                    "this ticket on hold and will update you as soon as they reopen. If the "
                    "pause affects the final withdrawal date, any extension will be published "
                    "in an announcement."
                ),
            ),
        ],
    },
    {
        "customer": "37248014",
        "channel": "email",
        "language": "zh-hans",
        "category": "other",
        "subject": "快照已过,空投迟迟未发放",
        "status": "on_hold",
        "priority": "p2",
        "tags": ["airdrop", "vip"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 60,
        "messages": [
            (
                "customer",
                (
                    "你好,上周公告说持有 ETH 的用户可以按快照获得一个新项目代币的空投,快照已经"
                    "过去五天了,我的账户一直没收到,是不是漏发了?"
                ),
            ),
            (
                "agent",
                (
                    "杨先生您好,感谢您的耐心。我们核实到您的账户在快照时符合条件,已经在发放名单"
                    "中。目前项目方还没有把代币转入平台,所以空投尚未开始发放。按照公告,发放时间"
                    "以项目方到账为准,届时会统一发放到现货账户。我们先把工单挂起,发放后会第一时"
                    "间通知您。"
                ),
            ),
            (
                "note",
                "上币组确认:项目方预计下周内转入代币,暂无准确日期。",
            ),
        ],
    },
    {
        "customer": "51461877",
        "channel": "phone",
        "language": "en",
        "category": "security",
        "subject": "Callback: login alert email without my code",
        "status": "closed",
        "priority": "p2",
        "tags": ["anti-phishing-code", "vip"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 170,
        "messages": [
            (
                "customer",
                (
                    "Callback request: I got an email saying my account was accessed from a "
                    "new device, but it doesn't show my anti-phishing code. Was that you? "
                    "Please call."
                ),
            ),
            (
                "agent",
                (
                    "Callback notes: called back, 5 minutes. No new device logins on the "
                    "account in the past 30 days. Explained that every genuine email from us "
                    "shows her anti-phishing code, so this one was fake. Advised her not to "
                    "click any links and to delete it. She forwarded the email to our phishing "
                    "report address."
                ),
            ),
            (
                "note",
                "Phishing domain from the email headers reported for takedown.",
            ),
            (
                "agent",
                (
                    "Hi Priya, thank you again for calling this in. As discussed, that email "
                    "did not come from us and your account shows no suspicious activity. Your "
                    "anti-phishing code did exactly its job. Please contact us any time you "
                    "receive something you're unsure about."
                ),
            ),
        ],
    },
    {
        "customer": "60392248",
        "channel": "social",
        "language": "zh-hans",
        "category": "account-kyc",
        "subject": "身份证过期能否认证",
        "status": "new",
        "priority": "p2",
        "tags": ["expired-id"],
        "fields": {},
        "assignee": None,
        "age_hours": 3,
        "messages": [
            (
                "customer",
                (
                    "私信问一下,我的身份证上个月刚过期,新证还在办。这段时间能不能先用旧证做认证?"
                    "或者可以用护照代替吗?"
                ),
            ),
        ],
    },
    {
        "customer": "72257377",
        "channel": "email",
        "language": "en",
        "category": "account-kyc",
        "subject": "Verification rejected: document expired",
        "status": "open",
        "priority": "p2",
        "tags": ["kyc-rejected", "expired-id"],
        "fields": {},
        "assignee": "alice",
        "age_hours": 22,
        "messages": [
            (
                "customer",
                (
                    "My ID verification was rejected because the 'document expired'. My "
                    "passport expired two months ago, but my national ID card is valid. Can I "
                    "use that instead?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Lucas, thanks for getting in touch. Yes, you can. We only accept "
                    "documents that are valid on the day of verification, which is why the "
                    "passport was declined. A valid national ID card from your country of "
                    "residence is accepted; please photograph both the front and the back, "
                    "with all four corners visible and no glare. I've reset your verification "
                    "so you can submit it again right away."
                ),
            ),
            (
                "customer",
                "Submitted the ID card just now. How long does the review take?",
            ),
        ],
    },
    {
        "customer": "92666318",
        "channel": "api",
        "language": "zh-hans",
        "category": "withdrawal",
        "subject": "SOL 提现一直处理中",
        "status": "on_hold",
        "priority": "p2",
        "tags": ["wallet-maintenance"],
        "fields": {
            "coin": "SOL",
            "network": "SOL",
            "amount": "36.5",
            "address": "rv6zPWZnGMsKRyHRY73udgoPsJ9uTMX1rRq67ADzW91E",
        },
        "assignee": "bob",
        "age_hours": 10,
        "messages": [
            (
                "customer",
                "我两个小时前提了 36.5 个 SOL,状态一直是“处理中”,也没有交易哈希,这是什么情况?",
            ),
            (
                "note",
                "钱包组通知:SOL 节点升级维护中,提现已排队,维护结束后依次处理。",
            ),
            (
                "agent",
                (
                    "黄先生您好,抱歉让您久等。目前 SOL 网络的钱包节点正在升级维护,维护期间提现"
                    "会排队等候处理。您的这笔提现是安全的,不会丢失;维护完成后系统会依次自动处理"
                    "并生成交易哈希。维护进度可以在公告页面查看,我们也会在处理完成后通知您。"
                ),
            ),
        ],
    },
    {
        "customer": "34679397",
        "channel": "social",
        "language": "en",
        "category": "other",
        "subject": "Airdrop support for a new token?",
        "status": "pending",
        "priority": "p3",
        "tags": ["airdrop"],
        "fields": {},
        "assignee": "omar",
        "age_hours": 55,
        "messages": [
            (
                "customer",
                (
                    "Hey! Will you support the upcoming airdrop for holders of that new "
                    "layer-2 token? My tokens are on your platform."
                ),
            ),
            (
                "agent",
                (
                    "Hi Hannah, thanks for asking! Support for a particular airdrop is decided "
                    "case by case, and we always publish the details (eligibility, snapshot "
                    "time and distribution) in an official announcement. If there's no "
                    "announcement, please assume the airdrop isn't supported for tokens held "
                    "on our platform yet. Could you tell us which token you mean? I'll check "
                    "with the listings team whether anything is planned."
                ),
            ),
        ],
    },
    {
        "customer": "40588364",
        "channel": "chat",
        "language": "zh-hans",
        "category": "withdrawal",
        "subject": "提现按钮灰色,提示安全限制",
        "status": "solved",
        "priority": "p2",
        "tags": ["withdrawal-lock"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 30,
        "messages": [
            (
                "customer",
                "为什么我现在提现按钮是灰的,提示“安全限制”?",
            ),
            (
                "agent",
                (
                    "周女士您好,我们查到您在今天上午 9 点左右修改了登录密码。为保护账户安全,修"
                    "改密码或重置二次验证后,账户会在 24 小时内暂停提现,防止他人盗用账户后立即转"
                    "走资产。这个限制会在明天上午 9 点左右自动解除,期间充值和交易不受影响。很抱"
                    "歉给您带来不便,这项限制无法人工提前解除。"
                ),
            ),
            (
                "customer",
                "原来是这样,那我明天再提。",
            ),
        ],
    },
    {
        "customer": "70810861",
        "channel": "web",
        "language": "en",
        "category": "fees",
        "subject": "Why was my fee charged in SOL?",
        "status": "new",
        "priority": "p3",
        "tags": ["trading-fee"],
        "fields": {},
        "assignee": None,
        "age_hours": 5,
        "messages": [
            (
                "customer",
                (
                    "I bought some SOL with USDT and the fee was taken in SOL, not USDT. I was "
                    "expecting the fee in USDT. Why is that, and is there a way to choose?"
                ),
            ),
        ],
    },
    {
        "customer": "44938300",
        "channel": "web",
        "language": "zh-hans",
        "category": "withdrawal",
        "subject": "提现提示地址不在白名单",
        "status": "closed",
        "priority": "p2",
        "tags": ["whitelist"],
        "fields": {
            "coin": "ETH",
            "network": "ERC20",
            "amount": "3.5",
            "address": "0x106f3dc9ed95b8ad6b040f849a391166640f94ed",
        },
        "assignee": "bob",
        "age_hours": 180,
        "messages": [
            (
                "customer",
                "提现 ETH 时提示“该地址不在白名单中”,这是我自己的冷钱包地址,为什么不让提?",
            ),
            (
                "agent",
                (
                    "吴先生您好,您的账户开启了“提现白名单”功能,开启后只能向已保存在白名单里的地"
                    "址提现,这样即使账户被盗,资产也不会被转到陌生地址。请在“地址管理”中添加该地"
                    "址并完成安全验证,添加成功后即可提现。出于安全考虑,新加入白名单的地址可能需"
                    "要等待一段时间才能使用。"
                ),
            ),
            (
                "customer",
                "加好了,已经提成功了,谢谢。",
            ),
        ],
    },
    {
        "customer": "93927904",
        "channel": "api",
        "language": "en",
        "category": "deposit",
        "subject": "USDT sent on an unsupported network",
        "status": "new",
        "priority": "p1",
        "tags": ["wrong-network"],
        "fields": {
            "coin": "USDT",
            "network": "POLYGON",
            "txid": "0x2f93a920d9b65093d68e98eb195d2eb227c16d7c9adeb3c7f3086b7ab7b10f8f",
            "amount": "980.00",
            "address": "0x551415fbad78edb9eb9c2c4c722812c83da4b5bf",
        },
        "assignee": None,
        "age_hours": 2,
        "messages": [
            (
                "customer",
                (
                    "I sent 980 USDT to my deposit address, but my other wallet used the "
                    "Polygon network, and your deposit page only lists ERC20, TRC20 and BEP20 "
                    "for USDT. It's been two hours. Is my money gone?"
                ),
            ),
            (
                "customer",
                "The transaction hash is in the form. Please tell me this can be fixed.",
            ),
        ],
    },
    {
        "customer": "20290525",
        "channel": "phone",
        "language": "zh-hans",
        "category": "security",
        "subject": "收到异地登录提醒(回电)",
        "status": "open",
        "priority": "p0",
        "tags": ["suspicious-login"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 2,
        "messages": [
            (
                "customer",
                (
                    "回电请求:刚收到邮件说我的账户在另一个国家登录了,我根本没出过国!我不敢再点"
                    "邮件里的链接,请马上给我打电话!"
                ),
            ),
            (
                "agent",
                (
                    "回电记录:收到请求后 10 分钟内已回电。客户确认该登录不是本人操作,已先行冻结"
                    "账户,资产目前无法转出。通话中提醒客户不要点击来路不明的链接,并说明客服不会"
                    "索要密码、验证码或助记词。"
                ),
            ),
            (
                "note",
                (
                    "登录 IP 来自境外数据中心,登录后只浏览了资产页面,没有提现,也没有创建 API 密"
                    "钥。已升级 Security;待客户在可信设备上重置密码和二次验证后再评估解冻。"
                ),
            ),
            (
                "agent",
                (
                    "孙女士您好,账户已冻结,您的资产是安全的。请您在自己常用的电脑上修改绑定邮箱"
                    "的密码,并检查邮箱里有没有陌生的自动转发规则。完成后回复本工单,我们会引导您"
                    "重置安全设置并办理解冻。"
                ),
            ),
        ],
    },
    {
        "customer": "55169927",
        "channel": "email",
        "language": "en",
        "category": "api",
        "subject": "User data stream disconnects",
        "status": "on_hold",
        "priority": "p2",
        "tags": ["websocket", "rate-limit", "vip"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 140,
        "messages": [
            (
                "customer",
                (
                    "Our market-making setup gets disconnected from the user data stream every "
                    "24 hours exactly, and we lose order updates for a few seconds each time. "
                    "Is this a bug? It's costing us."
                ),
            ),
            (
                "agent",
                (
                    "Hi Marcus, thanks for the detailed logs. The 24-hour disconnect is "
                    "expected: the server closes each WebSocket connection after 24 hours, so "
                    "clients should open a new connection shortly before that point and switch "
                    "over, rather than waiting for the drop. To cover the gap, you can query "
                    "open orders over REST once the new stream is live."
                ),
            ),
            (
                "customer",
                (
                    "Understood on the 24h limit. But we also see random disconnects every few "
                    "hours, with no error."
                ),
            ),
            (
                "note",
                (
                    "Forwarded logs (connection IDs + timestamps) to API engineering. Possibly "
                    "related to last week's load balancer change."
                ),
            ),
            (
                "agent",
                (
                    "Thanks, that pattern isn't expected. I've passed your connection IDs and "
                    "timestamps to our API engineering team and put this ticket on hold while "
                    "they investigate. I'll update you as soon as I have their findings."
                ),
            ),
        ],
    },
    {
        "customer": "94433596",
        "channel": "email",
        "language": "zh-hans",
        "category": "security",
        "subject": "误入钓鱼网站输入了账号密码",
        "status": "new",
        "priority": "p0",
        "tags": ["phishing"],
        "fields": {},
        "assignee": None,
        "age_hours": 1,
        "messages": [
            (
                "customer",
                (
                    "我刚才在搜索结果里点了排在最前面的“官网”链接,输入了账号、密码和验证码,登录"
                    "后页面一直在转圈。现在才发现网址和你们的不一样!我是不是被钓鱼了?"
                ),
            ),
            (
                "customer",
                "我又看了一下,账户还能登录,资产暂时还在。请马上帮我冻结账户!!",
            ),
        ],
    },
    {
        "customer": "96146260",
        "channel": "chat",
        "language": "en",
        "category": "account-kyc",
        "subject": "KYC rejected: name mismatch",
        "status": "solved",
        "priority": "p2",
        "tags": ["kyc-rejected", "name-mismatch"],
        "fields": {},
        "assignee": "alice",
        "age_hours": 190,
        "messages": [
            (
                "customer",
                (
                    "My verification was rejected with 'name mismatch'. I entered my family "
                    "name first because that's the usual order where I'm from. Could that be "
                    "the problem?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Yuki, yes, that's very likely the reason. Our form has separate fields "
                    "for first (given) name and last (family) name, and they need to match the "
                    "same fields on your passport exactly. In your submission the two were "
                    "swapped. I've reset the verification, so please enter your names in the "
                    "matching fields, spelled exactly as on your passport, and submit again."
                ),
            ),
            (
                "customer",
                "Resubmitted and it's approved now. Thank you!",
            ),
            (
                "agent",
                "Wonderful, congratulations! Enjoy the platform.",
            ),
        ],
    },
    {
        "customer": "45226916",
        "channel": "social",
        "language": "zh-hans",
        "category": "account-kyc",
        "subject": "不做实名认证有什么限制",
        "status": "pending",
        "priority": "p3",
        "tags": ["kyc-limits"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 20,
        "messages": [
            (
                "customer",
                "不做实名认证的话能充值和提现吗?有什么限制?",
            ),
            (
                "agent",
                (
                    "林女士您好。根据平台的合规要求,未完成身份认证的账户只能浏览行情,充值、提现、"
                    "交易和银行卡买币都需要先完成基础认证;完成高级认证后可以获得更高的提现额"
                    "度。请问您主要想使用哪项功能?我们可以告诉您需要完成哪一级认证。"
                ),
            ),
        ],
    },
    {
        "customer": "28253237",
        "channel": "phone",
        "language": "en",
        "category": "futures",
        "subject": "Callback: funding fee paid one day, charged the next",
        "status": "closed",
        "priority": "p2",
        "tags": ["funding-fee"],
        "fields": {},
        "assignee": "omar",
        "age_hours": 290,
        "messages": [
            (
                "customer",
                (
                    "Callback request: I received a funding fee on my short yesterday but was "
                    "charged one today on the same position. I don't understand why it "
                    "changes. Please call me."
                ),
            ),
            (
                "agent",
                (
                    "Callback notes: called back, 8 minutes. Explained that funding is "
                    "exchanged between long and short holders and is not a platform fee. When "
                    "the rate is positive, longs pay shorts; when it is negative, shorts pay "
                    "longs. The rate changed sign between the two settlements, so the customer "
                    "received a payment once and paid the next time. Showed where to find the "
                    "current rate and the countdown. Customer satisfied."
                ),
            ),
            (
                "agent",
                (
                    "Hi Noah, thanks for your time on the phone today. A quick recap: funding "
                    "settles at fixed intervals, and only positions open at the settlement "
                    "time are affected. The direction depends on the rate at that moment, "
                    "which you can see above the chart on the Futures page. We'll close this "
                    "ticket, but reply any time if you have more questions."
                ),
            ),
        ],
    },
    {
        "customer": "21315462",
        "channel": "social",
        "language": "zh-hans",
        "category": "other",
        "subject": "有人声称可以付费“内部上币”",
        "status": "pending",
        "priority": "p3",
        "tags": ["listing", "scam-report"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 44,
        "messages": [
            (
                "customer",
                (
                    "群里有人说交钱就能帮项目方“内部上币”到你们平台,还说先上线就能先买。这个靠"
                    "谱吗?你们什么时候上新币?"
                ),
            ),
            (
                "agent",
                (
                    "王先生您好,感谢您来核实。平台上新币只通过官方公告发布,上币评估由内部团队独"
                    "立完成,不存在任何收费的“内部渠道”,也没有员工会向个人提供提前买入的机会,声"
                    "称能这样操作的基本都是诈骗。新币的上线时间以官方公告为准,我们无法提前透露。"
                    "方便的话,能否把对方的账号或群组信息发给我们?我们会提交给相关团队处理。"
                ),
            ),
        ],
    },
    {
        "customer": "77328322",
        "channel": "social",
        "language": "en",
        "category": "security",
        "subject": "URGENT: my account email was changed",
        "status": "new",
        "priority": "p0",
        "tags": ["account-compromised"],
        "fields": {},
        "assignee": None,
        "age_hours": 1,
        "messages": [
            (
                "customer",
                (
                    "URGENT: I just got an email saying my account email address was changed, "
                    "and it wasn't me. I can't log in anymore. Please lock my account before "
                    "they withdraw everything!"
                ),
            ),
        ],
    },
    {
        "customer": "38132804",
        "channel": "api",
        "language": "zh-hans",
        "category": "deposit",
        "subject": "TON 充值漏填备注",
        "status": "solved",
        "priority": "p2",
        "tags": ["memo-missing", "vip"],
        "fields": {
            "coin": "TON",
            "network": "TON",
            "txid": "b5578c8f822d2a6bfc7f0bbdab08089f3f34b51bcdae042b4d3a1e2e68e7db56",
            "amount": "260",
            "address": "UQD3wmEHTH4tSOaJRByl8DnyDLsGIWvw8gj_KaH10RIt6-Vm",
        },
        "assignee": "li.na",
        "age_hours": 100,
        "messages": [
            (
                "customer",
                (
                    "我从自己的钱包充了 260 个 TON,钱包里的“备注/Comment”没有填,现在没到账。上"
                    "次 XRP 你们帮我找回了,这次是不是也能处理?"
                ),
            ),
            (
                "agent",
                (
                    "李女士您好。TON 充值需要填写平台提供的备注(Memo),系统依靠它识别您的账户。"
                    "漏填的情况可以申请人工入账,请提供交易哈希和发送钱包的转出记录截图,我们会尽"
                    "快提交处理。"
                ),
            ),
            (
                "customer",
                "都上传到工单附件里了。",
            ),
            (
                "note",
                (
                    "链上确认:交易已完成,收款地址为平台 TON 收款地址,备注为空,与用户截图一致。"
                    "已提交人工入账。"
                ),
            ),
            (
                "agent",
                "您的 260 TON 已经人工入账,请在资金账户中查收。再次感谢您的耐心与配合!",
            ),
        ],
    },
    {
        "customer": "28263628",
        "channel": "web",
        "language": "en",
        "category": "futures",
        "subject": "Isolated vs cross margin before my first trade",
        "status": "pending",
        "priority": "p2",
        "tags": ["margin"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 33,
        "messages": [
            (
                "customer",
                (
                    "I'm new to futures. If I switch from isolated to cross margin, is my "
                    "whole futures balance at risk? And can I switch while a position is open?"
                ),
            ),
            (
                "agent",
                (
                    "Hi Sofia, these are good questions to ask before trading. In cross "
                    "margin, the available balance in your futures wallet is shared as margin "
                    "across positions, which can keep a position open longer but means a large "
                    "loss can use up that whole balance. In isolated margin, the loss on a "
                    "position is limited to the margin assigned to it. On our platform, the "
                    "margin mode can only be changed when you have no open positions or open "
                    "orders on that contract. Futures carry a high risk of loss; would you "
                    "like me to send you our futures guide?"
                ),
            ),
        ],
    },
    {
        "customer": "17247691",
        "channel": "web",
        "language": "zh-hans",
        "category": "security",
        "subject": "防钓鱼码有什么用",
        "status": "closed",
        "priority": "p3",
        "tags": ["anti-phishing-code"],
        "fields": {},
        "assignee": "chen.wei",
        "age_hours": 350,
        "messages": [
            (
                "customer",
                "安全设置里有个“防钓鱼码”,这个是干什么用的?设置了会影响登录吗?",
            ),
            (
                "agent",
                (
                    "张先生您好。防钓鱼码是您自己设置的一串字符,设置后,平台发给您的所有官方邮件"
                    "里都会显示这串字符。如果收到的邮件里没有防钓鱼码,或者显示的内容不对,就说明"
                    "邮件不是我们发出的,请不要点击其中的链接。它不会影响登录和交易。建议设置一"
                    "个只有自己知道、和密码无关的词,并且不要告诉任何人。"
                ),
            ),
            (
                "customer",
                "设置好了,谢谢。",
            ),
        ],
    },
    {
        "customer": "75090594",
        "channel": "api",
        "language": "en",
        "category": "p2p",
        "subject": "Buyer marked paid, no money received",
        "status": "closed",
        "priority": "p2",
        "tags": ["p2p-dispute", "seller"],
        "fields": {
            "coin": "USDT",
            "amount": "150.00",
        },
        "assignee": "omar",
        "age_hours": 230,
        "messages": [
            (
                "customer",
                (
                    "I'm the seller on a P2P order. The buyer marked it as paid and opened an "
                    "appeal, but no money has arrived in my bank account. I'm not releasing "
                    "until I see it."
                ),
            ),
            (
                "agent",
                (
                    "Hi Liam, you're right not to release before the payment is in your "
                    "account. Please only release crypto once you've confirmed the funds in "
                    "your own banking app, never based on screenshots or text messages from "
                    "the buyer. Could you upload a bank statement covering the order time to "
                    "the appeal, so our team can review both sides?"
                ),
            ),
            (
                "customer",
                "Statement uploaded.",
            ),
            (
                "note",
                (
                    "Buyer's receipt looks edited (font mismatch on the amount); buyer gave no "
                    "bank-issued proof before the deadline. Appeal closed in seller's favour, "
                    "buyer account restricted."
                ),
            ),
            (
                "agent",
                (
                    "Thanks for the statement. The appeal has been resolved in your favour: "
                    "the order was cancelled and the USDT is back in your P2P wallet. The "
                    "other party's account has been restricted pending review. Thank you for "
                    "your patience."
                ),
            ),
        ],
    },
    {
        "customer": "57970905",
        "channel": "email",
        "language": "zh-hans",
        "category": "fees",
        "subject": "不同网络提现手续费差别大",
        "status": "pending",
        "priority": "p3",
        "tags": ["withdrawal-fee", "network-choice"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 70,
        "messages": [
            (
                "customer",
                "同样是提 USDT,为什么选 ERC20 的手续费比 TRC20 贵这么多?这个费用是你们定的吗?",
            ),
            (
                "agent",
                (
                    "刘先生您好。提现手续费主要用于支付区块链网络的矿工费,不同网络的成本差别很"
                    "大:以太坊网络的 Gas 费通常明显高于波场网络,所以 ERC20 的提现手续费更高。平"
                    "台会根据各网络的拥堵情况定期调整,提现页面显示的金额就是本次实际扣除的费用。"
                    "选择网络时,请务必确认接收方支持该网络,否则资产可能无法到账。请问您准备提"
                    "现到哪个平台或钱包?我们可以帮您确认它支持的网络。"
                ),
            ),
        ],
    },
    {
        "customer": "49278174",
        "channel": "email",
        "language": "en",
        "category": "withdrawal",
        "subject": "BTC withdrawal completed but not received",
        "status": "on_hold",
        "priority": "p1",
        "tags": ["receiving-platform"],
        "fields": {
            "coin": "BTC",
            "network": "BTC",
            "txid": "09c362c01095cbdffa85d8c675837aa0bf168dd4b6eb5b743d60929842622704",
            "amount": "0.15",
            "address": "bc1qcyvvts90y3t6f7g56fkmlryrgsyzxas2heh0c9",
        },
        "assignee": "alice",
        "age_hours": 45,
        "messages": [
            (
                "customer",
                (
                    "My BTC withdrawal shows 'Completed' on your side, but the other platform "
                    "says nothing has arrived. It's been five hours. Where is my Bitcoin?"
                ),
            ),
            (
                "note",
                (
                    "Checked the chain: tx confirmed, 31 confirmations, output matches the "
                    "destination address."
                ),
            ),
            (
                "agent",
                (
                    "Hi Aisha, I understand the worry when funds don't show up. The withdrawal "
                    "was broadcast successfully and has 31 confirmations on the Bitcoin "
                    "network, sent to exactly the address you entered. From the blockchain's "
                    "side the transfer is complete, so the receiving platform needs to credit "
                    "it. Please contact their support with the transaction ID listed in this "
                    "ticket; they may have a manual review or a credit delay on their side."
                ),
            ),
            (
                "customer",
                (
                    "I've opened a ticket with them and they say it's under review. Can you "
                    "keep this open in case they need something from you?"
                ),
            ),
            (
                "agent",
                (
                    "Of course. I'll keep this ticket on hold. If they need a confirmation "
                    "letter from us, just let me know."
                ),
            ),
        ],
    },
    {
        "customer": "37248014",
        "channel": "phone",
        "language": "zh-hans",
        "category": "futures",
        "subject": "保证金率预警,咨询全仓与逐仓(回电)",
        "status": "open",
        "priority": "p1",
        "tags": ["margin", "vip"],
        "fields": {},
        "assignee": "li.na",
        "age_hours": 6,
        "messages": [
            (
                "customer",
                (
                    "回电请求:我的合约仓位收到了保证金率预警,想问清楚全仓和逐仓有什么区别,还有"
                    "追加保证金怎么操作,请客户经理回电。"
                ),
            ),
            (
                "agent",
                (
                    "回电记录:已回电,通话约 12 分钟。向客户解释:逐仓模式下每个仓位的保证金相互"
                    "独立,亏损最多为该仓位的保证金;全仓模式下合约账户内的可用余额都会作为保证金,"
                    "共同承担亏损。客户询问是否应该加仓,已说明我们不能提供投资建议,只介绍了在"
                    "仓位详情中“调整保证金”的操作方式,以及追加保证金可以使强平价远离当前价格。"
                ),
            ),
            (
                "note",
                "客户为 VIP4,已同步客户经理安排后续回访。",
            ),
        ],
    },
    {
        "customer": "40454448",
        "channel": "social",
        "language": "en",
        "category": "other",
        "subject": "How do I close my account?",
        "status": "pending",
        "priority": "p3",
        "tags": ["account-closure"],
        "fields": {},
        "assignee": "omar",
        "age_hours": 12,
        "messages": [
            (
                "customer",
                "I'd like to close my account permanently. How do I do that?",
            ),
            (
                "agent",
                (
                    "Hi Tomasz, sorry to hear you'd like to leave. Before closing, please "
                    "withdraw all remaining assets, cancel open orders and close any futures "
                    "positions, because a closed account can't be reopened. After that, you "
                    "can close it under Account > Security > Close account. Could you confirm "
                    "once your funds have been moved out? I'll double-check that nothing is "
                    "left before you go ahead."
                ),
            ),
        ],
    },
    {
        "customer": "40588364",
        "channel": "api",
        "language": "zh-hans",
        "category": "other",
        "subject": "App 打开资产页面闪退",
        "status": "new",
        "priority": "p3",
        "tags": ["app-bug"],
        "fields": {},
        "assignee": None,
        "age_hours": 4,
        "messages": [
            (
                "customer",
                (
                    "App 更新到最新版以后,一打开“资产”页面就闪退,卸载重装也一样。手机系统已经是"
                    "最新的了,能修复一下吗?"
                ),
            ),
        ],
    },
    {
        "customer": "34679397",
        "channel": "phone",
        "language": "en",
        "category": "trading",
        "subject": "Callback: Convert quote keeps expiring",
        "status": "open",
        "priority": "p2",
        "tags": ["convert"],
        "fields": {},
        "assignee": "bob",
        "age_hours": 7,
        "messages": [
            (
                "customer",
                (
                    "Callback request: I used the Convert feature twice today and both times "
                    "the quote expired before I could confirm. Is something wrong with my "
                    "account?"
                ),
            ),
            (
                "agent",
                (
                    "Callback notes: called back, 4 minutes. Account normal. Explained that "
                    "quotes are only valid for a few seconds because prices move, and that "
                    "refreshing gives a new quote. Customer was on a slow mobile connection; "
                    "suggested Wi-Fi and confirming soon after the quote appears. Customer "
                    "will try again later and reply here."
                ),
            ),
            (
                "note",
                "Checked the service status page: no Convert incidents today.",
            ),
        ],
    },
]
