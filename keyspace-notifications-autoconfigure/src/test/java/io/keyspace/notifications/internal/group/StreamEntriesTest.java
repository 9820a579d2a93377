package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A notification survives the trip through a stream entry, as Jedis' string API carries it. */
class StreamEntriesTest {

	@Test
	void binaryKeysSubkeysPatternAndNodeSurviveTheRoundTrip() {
		byte[] key = { 'k', ':', (byte) 0xff, (byte) 0xc3, 0x00, '1' }; // not UTF-8
		byte[] channel = concat("__subkeyspace@3__:".getBytes(StandardCharsets.UTF_8), key);
		byte[] message = "hset|3:f\u00e9".getBytes(StandardCharsets.UTF_8);
		KeyNotification original = KeyNotification
			.parse(channel, message, null, "__subkeyspace@3__:*".getBytes(StandardCharsets.UTF_8), "10.0.0.1:6379")
			.orElseThrow();

		KeyNotification copy = StreamEntries.toNotification(throughJedis(StreamEntries.of(original)), null)
			.orElseThrow();

		assertThat(copy.type()).isEqualTo(ChannelType.SUBKEYSPACE);
		assertThat(copy.database()).isEqualTo(3);
		assertThat(copy.keyBytes()).isEqualTo(key);
		assertThat(copy.event()).isEqualTo("hset");
		assertThat(copy.subkeys()).containsExactly("f\u00e9");
		assertThat(copy.pattern()).isEqualTo("__subkeyspace@3__:*");
		assertThat(copy.node()).isEqualTo("10.0.0.1:6379");
		assertThat(copy).isEqualTo(original);
	}

	@Test
	void theKeyPrefixIsStrippedAgainWhenTheEntryIsRead() {
		KeyNotification original = KeyNotification
			.parse(bytes("__keyspace@0__:app:user:1"), bytes("set"), bytes("app:"))
			.orElseThrow();

		KeyNotification copy = StreamEntries.toNotification(StreamEntries.of(original), bytes("app:")).orElseThrow();

		assertThat(copy.key()).isEqualTo("user:1");
	}

	@Test
	void anEntryWithoutChannelOrMessageIsNotANotification() {
		assertThat(StreamEntries.toNotification(Map.of("channel", "__keyspace@0__:k"), null)).isEmpty();
		assertThat(StreamEntries.toNotification(Map.of("foo", "bar"), null)).isEmpty();
	}

	/** What Redis gives back: Jedis encodes a field's string as UTF-8 and decodes it the same way. */
	private static Map<String, String> throughJedis(Map<String, String> fields) {
		Map<String, String> stored = new HashMap<>();
		fields.forEach((name, value) -> stored.put(name,
				new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
		return stored;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] all = new byte[first.length + second.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
