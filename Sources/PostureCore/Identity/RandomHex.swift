/// Random bytes from the system's secure generator, as lowercase hex: client ids and secrets,
/// consent tokens.
public enum RandomHex {
    public static func make(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}
