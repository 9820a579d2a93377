package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The append script on a real server: it writes the entries of {@link StreamEntries#entries}
 * as {@link GroupStreamEntries#fieldsOf} has them, field for field, caps the stream, and appends only for the lease holder, only into a stream that
 * exists and only onto the entry this instance appended last.
 */
class AppendScriptIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig();

	private static final String TAG = "0";

	private final GroupKeys keys = new GroupKeys("p:", "g" + System.nanoTime());

	private final String stream = this.keys.stream(TAG);

	private RedisClient client;

	@BeforeEach
	void connect() {
		this.client = RedisClient.create(redis.server().host(), redis.server().port());
	}

	@AfterEach
	void disconnect() {
		this.client.close();
	}

	@Test
	void theEntriesAreThoseOfStreamEntriesFieldForField() {
		GroupRedis groupRedis = forwarding(GroupSettings.defaults());
		byte[] binaryKey = { 'k', ':', (byte) 0xff, (byte) 0xc3, 0x00, '1' }; // not UTF-8
		List<KeyNotification> notifications = List.of(
				notification(bytes("__keyspace@0__:"), binaryKey, "__keyspace@0__:*", "n1:6379"),
				notification(bytes("__keyspace@0__:"), bytes("k2"), "__keyspace@0__:*", "n1:6379"),
				notification(bytes("__keyspace@0__:"), bytes("k3"), null, "n1:6379"),
				notification(bytes("__keyspace@0__:"), bytes("k4"), null, null),
				notification(bytes("__keyspace@0__:"), bytes("k5"), "__keyspace@0__:*", null),
				notification(bytes("__keyspace@0__:"), bytes("k6"), "__keyspace@0__:*", "n2:6379"));

		GroupRedis.Appended appended = groupRedis.append(batch(notifications));

		assertThat(appended.written()).isEqualTo(notifications.size());
		List<Map<String, String>> stored = this.client.xrange(this.stream, "-", "+").stream()
			.map(StreamEntry::getFields)
			.toList();
		assertThat(stored)
			.containsExactlyElementsOf(StreamEntries.entries(notifications).stream().map(GroupStreamEntries::fieldsOf).toList())
			.hasSize(5); // k1 and k2 share their pattern and node
		assertThat(stored.stream().flatMap((fields) -> StreamEntries.toNotifications(fields, null).orElseThrow().stream()))
			.containsExactlyElementsOf(notifications);
	}

	@Test
	void theStreamIsCappedNearMaxLength() {
		GroupRedis groupRedis = forwarding(GroupSettings.defaults().withMaxLength(100));
		List<KeyNotification> notifications = new ArrayList<>();
		for (int i = 0; i < 1_000 * StreamEntries.PER_ENTRY; i++) {
			notifications.add(notification(bytes("__keyspace@0__:"), bytes("k" + i), null, "n1:6379"));
		}

		groupRedis.append(batch(notifications));

		// MAXLEN ~ trims whole nodes of the stream (100 entries each by default): never below the cap
		assertThat(this.client.xlen(this.stream)).isBetween(100L, 200L);
		List<List<KeyNotification>> entries = StreamEntries.entries(notifications);
		assertThat(this.client.xinfoStream(this.stream).getLastEntry().getFields())
			.isEqualTo(GroupStreamEntries.fieldsOf(entries.get(entries.size() - 1)));
	}

	@Test
	void onlyTheLeaseHolderAppends() {
		GroupRedis holder = forwarding(GroupSettings.defaults());
		GroupRedis other = new JedisGroupRedis(this.client, this.keys, GroupSettings.defaults());

		GroupRedis.Appended appended = other.append(batch(List.of(notification(bytes("__keyspace@0__:"), bytes("k"), null, null))));

		assertThat(appended.leasesNotHeld()).containsExactly(TAG);
		assertThat(appended.dropped()).isEqualTo(1);
		assertThat(this.client.xlen(this.stream)).isZero();
		assertThat(holder.append(batch(List.of(notification(bytes("__keyspace@0__:"), bytes("k"), null, null)))).written())
			.isEqualTo(1);
	}

	@Test
	void aMissingStreamIsNotCreatedAndTheBatchIsKept() {
		GroupRedis groupRedis = forwarding(GroupSettings.defaults());
		this.client.del(this.stream);
		List<Forward> batch = batch(List.of(notification(bytes("__keyspace@0__:"), bytes("k"), null, null)));

		GroupRedis.Appended appended = groupRedis.append(batch);

		assertThat(appended.missingStreams()).containsExactly(this.stream);
		assertThat(batch).hasSize(1);
		assertThat(this.client.exists(this.stream)).isFalse();
	}

	@Test
	void entriesRedisLostAreNoticedAtTheNextAppend() {
		GroupRedis groupRedis = forwarding(GroupSettings.defaults());
		groupRedis.append(batch(List.of(notification(bytes("__keyspace@0__:"), bytes("k1"), null, null))));
		groupRedis.append(batch(List.of(notification(bytes("__keyspace@0__:"), bytes("k2"), null, null))));
		StreamEntry newest = this.client.xrevrange(this.stream, "+", "-", 1).get(0);
		try (Jedis jedis = redis.server().jedis()) {
			jedis.xdel(this.stream, newest.getID()); // as a failover to a replica that had not received it
		}
		List<Forward> batch = batch(List.of(notification(bytes("__keyspace@0__:"), bytes("k3"), null, null)));

		GroupRedis.Appended appended = groupRedis.append(batch);

		assertThat(appended.lostAppends()).containsExactly(TAG);
		assertThat(batch).hasSize(1);
		assertThat(this.client.xrange(this.stream, "-", "+")).extracting(StreamEntry::getID)
			.doesNotContain(newest.getID())
			.hasSize(1);
		assertThat(this.client.xrevrange(this.stream, "+", "-", 1).get(0).getID())
			.isLessThan(new StreamEntryID(newest.getID().getTime(), newest.getID().getSequence()));
	}

	/** A client that holds the source's lease, with the stream and its group in place. */
	private GroupRedis forwarding(GroupSettings settings) {
		GroupRedis groupRedis = new JedisGroupRedis(this.client, this.keys, settings);
		groupRedis.createGroup(this.stream);
		assertThat(groupRedis.acquireLease(TAG).taken()).isTrue();
		return groupRedis;
	}

	private static List<Forward> batch(List<KeyNotification> notifications) {
		List<Forward> batch = new ArrayList<>();
		notifications.forEach((notification) -> batch.add(new Forward(TAG, notification)));
		return batch;
	}

	private static KeyNotification notification(byte[] channelPrefix, byte[] key, String pattern, String node) {
		byte[] channel = new byte[channelPrefix.length + key.length];
		System.arraycopy(channelPrefix, 0, channel, 0, channelPrefix.length);
		System.arraycopy(key, 0, channel, channelPrefix.length, key.length);
		return KeyNotification
			.parse(channel, bytes("set"), null, (pattern != null) ? bytes(pattern) : null, node)
			.orElseThrow();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
