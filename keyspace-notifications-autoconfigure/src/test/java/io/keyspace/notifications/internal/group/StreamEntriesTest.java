package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Notifications survive the trip through a stream entry, as Jedis' string API carries it. */
class StreamEntriesTest {

	@Test
	void binaryKeysSubkeysPatternAndNodeSurviveTheRoundTrip() {
		byte[] key = { 'k', ':', (byte) 0xff, (byte) 0xc3, 0x00, '1' }; // not UTF-8
		byte[] channel = concat("__subkeyspace@3__:".getBytes(StandardCharsets.UTF_8), key);
		byte[] message = "hset|3:f\u00e9".getBytes(StandardCharsets.UTF_8);
		KeyNotification original = KeyNotification
			.parse(channel, message, null, "__subkeyspace@3__:*".getBytes(StandardCharsets.UTF_8), "10.0.0.1:6379")
			.orElseThrow();

		KeyNotification copy = StreamEntries.toNotifications(throughJedis(GroupStreamEntries.fieldsOf(List.of(original))), null)
			.orElseThrow()
			.get(0);

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

		KeyNotification copy = StreamEntries.toNotifications(GroupStreamEntries.fieldsOf(List.of(original)), bytes("app:"))
			.orElseThrow()
			.get(0);

		assertThat(copy.key()).isEqualTo("user:1");
	}

	@Test
	void anEntryHoldsUpToSixteenNotificationsThatShareTheirPatternAndNode() {
		List<KeyNotification> notifications = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			notifications.add(notification("k" + i, "__keyspace@0__:*", "n1:6379"));
		}
		notifications.add(notification("other-node", "__keyspace@0__:*", "n2:6379"));
		notifications.add(notification("no-pattern", null, "n2:6379"));

		List<List<KeyNotification>> entries = StreamEntries.entries(notifications);

		assertThat(entries).extracting(List::size).containsExactly(16, 4, 1, 1);
		assertThat(entries.stream().flatMap(List::stream)).containsExactlyElementsOf(notifications);
		for (List<KeyNotification> entry : entries) {
			assertThat(StreamEntries.toNotifications(throughJedis(GroupStreamEntries.fieldsOf(entry)), null))
				.contains(entry);
		}
	}

	@Test
	void aTakeoverMatchesEachNotificationOfAnEntryByChannelAndMessage() {
		List<KeyNotification> entry = List.of(notification("a", null, null), notification("b\u00ff", null, null));

		assertThat(StreamEntries.identities(throughJedis(GroupStreamEntries.fieldsOf(entry))))
			.containsExactly(StreamEntries.identity(entry.get(0)), StreamEntries.identity(entry.get(1)));
	}

	@Test
	void anEntryWithoutNotificationsOrWithACutOneIsNotNotifications() {
		String packed = GroupStreamEntries.fieldsOf(List.of(notification("k", null, null))).get(StreamEntries.NOTIFICATIONS);

		assertThat(StreamEntries.toNotifications(Map.of("channel", "__keyspace@0__:k", "message", "set"), null)).isEmpty();
		assertThat(StreamEntries.toNotifications(Map.of("foo", "bar"), null)).isEmpty();
		assertThat(StreamEntries.toNotifications(Map.of("notifications", packed.substring(0, packed.length() - 1)), null))
			.isEmpty();
		assertThat(StreamEntries.toNotifications(Map.of("notifications", "x:" + packed), null)).isEmpty();
		assertThat(StreamEntries.identities(Map.of("notifications", ""))).isEmpty();
	}

	private static KeyNotification notification(String key, String pattern, String node) {
		return KeyNotification
			.parse(bytes("__keyspace@0__:" + key), bytes("set"), null, (pattern != null) ? bytes(pattern) : null, node)
			.orElseThrow();
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
