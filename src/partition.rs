//! Key affinity for scale-out: which partition a record's key goes to. The key itself is
//! [`crate::Engine::partition_key`]; every host and `pumpguard key` use these two functions.

/// CRC-32 (IEEE 802.3, reflected), as librdkafka's `rd_crc32` computes it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// The partition among `partitions` that librdkafka's default partitioner
/// (`consistent_random`, which Vector's `kafka` sink and Fluent Bit's `kafka` output use) gives
/// a non-empty `key`: its CRC-32 modulo the count. `0` when `partitions` is 0.
pub fn kafka_partition(key: &str, partitions: u32) -> u32 {
    crc32(key.as_bytes()).checked_rem(partitions).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(kafka_partition("acme", 6), 2); // zlib.crc32(b"acme") % 6
        assert_eq!(kafka_partition("acme", 0), 0);
    }
}
