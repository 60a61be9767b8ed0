extension Node {
    /// Builds the executable object tree.
    func lower() -> ExecNode {
        switch self {
        case .constant(let v): return ConstNode(v)
        case .located(let inner, let at):
            let x = inner.lower()
            if x.offset < 0 { x.offset = at }
            return x
        case .slot(let s, let name): return SlotNode(s, name)
        case .local(let i): return LocalNode(i)
        case .select(let o, let f):
            let x = o.lower()
            if let slot = x as? SlotNode { return SlotEntryNode(slot, f, .select) }
            return FieldNode(.select, x, f)
        case .optSelect(let o, let f): return FieldNode(.optionalSelect, o.lower(), f)
        case .optionalList(let items, let flags): return OptionalListNode(items.map { $0.lower() }, flags)
        case .optionalMap(let entries, let flags): return OptionalMapNode(entries.map { ($0.0.lower(), $0.1.lower()) }, flags)
        case .hasField(let o, let f): return FieldNode(.has, o.lower(), f)
        case .hasSlot(let s): return HasSlotNode(s)
        case .and(let a, let b): return AndNode(a.lower(), b.lower())
        case .or(let a, let b): return OrNode(a.lower(), b.lower())
        case .not(let a): return NotNode(a.lower())
        case .conditional(let a, let b, let d): return ConditionalNode(a.lower(), b.lower(), d.lower())
        case .call1(let f, let a): return Call1Node(f, a.lower())
        case .call2(let f, let a, let b):
            if f == .index, case .constant(.string(let key)) = b, let slot = a.lower() as? SlotNode {
                return SlotEntryNode(slot, key, .index)
            }
            if f == .in, case .constant(.string(let key)) = a, let slot = b.lower() as? SlotNode {
                return SlotEntryNode(slot, key, .contains)
            }
            if f == .startsWith || f == .endsWith || f == .contains, case .constant(.string(let s)) = b {
                return StringTestNode(f, a.lower(), s)
            }
            let left = a.lower(), right = b.lower()
            if f == .add, let chain = AddChainNode.extending(left, with: right) { return chain }
            return Call2Node(f, left, right)
        case .call3(let f, let a, let b, let d): return CallNNode(f, [a.lower(), b.lower(), d.lower()])
        case .callN(let f, let args): return CallNNode(f, args.map { $0.lower() })
        case .equalsString(let a, let s, let negate): return EqualsStringNode(a.lower(), s, negate)
        case .inStrings(let a, let s): return InStringsNode(a.lower(), s)
        case .inKeySet(let a, let k): return InKeySetNode(a.lower(), k)
        case .matchesRegex(let a, let re): return MatchesNode(a.lower(), re)
        case .list(let items): return ListNode(items.map { $0.lower() })
        case .map(let entries): return MapNode(entries.map { ($0.0.lower(), $0.1.lower()) })
        case .comprehension(let m, let r, let l, let l2, let b, let f): return ComprehensionNode(m, r.lower(), l, l2, b.lower(), f?.lower())
        }
    }
}
