package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Which kept notifications a takeover writes, given what the stream already holds (pure matching). */
class TakeoverReplayTest {

	private static final long RENEWED = 100_000; // the previous forwarder's last renewal

	private final UnifiedJedis redis = mock(UnifiedJedis.class);

	private final TakeoverReplay replay = new TakeoverReplay(this.redis);

	private final List<StreamEntry> stream = new ArrayList<>();

	TakeoverReplayTest() {
		when(this.redis.xrange(eq("s"), anyString(), eq("+"), anyInt())).thenReturn(this.stream);
	}

	@Test
	void aCleanHandoverWritesNothingTheStreamHolds() {
		written("a", "b", "c");

		assertThat(keys(this.replay.notYetIn("s", RENEWED, kept(RENEWED - 500, "a", "b", "c")))).isEmpty();
	}

	@Test
	void whatADeadForwarderDidNotWriteIsWrittenInOrder() {
		written("a", "b");

		assertThat(keys(this.replay.notYetIn("s", RENEWED, kept(RENEWED - 500, "a", "b", "c", "d"))))
			.containsExactly("c", "d");
	}

	@Test
	void anOlderIdenticalCopyInTheStreamDoesNotStandForALaterOneThatWasNeverWritten() {
		written("k"); // written for the copy read 1.5 s before the renewal
		List<ReplayBuffer.Read> kept = new ArrayList<>(kept(RENEWED - 1_500, "k"));
		kept.addAll(kept(RENEWED + 200, "k"));

		assertThat(keys(this.replay.notYetIn("s", RENEWED, kept))).containsExactly("k");
	}

	@Test
	void onlyWhatWasKeptInTheReplayWindowIsWritten() {
		List<ReplayBuffer.Read> kept = new ArrayList<>(kept(RENEWED - 1_500, "old"));
		kept.addAll(kept(RENEWED - 500, "new"));

		assertThat(keys(this.replay.notYetIn("s", RENEWED, kept))).containsExactly("new");
	}

	@Test
	void aSourceNeverForwardedGetsEverythingKept() {
		assertThat(keys(this.replay.notYetIn("s", 0, kept(5, "a", "b")))).containsExactly("a", "b");
	}

	private void written(String... keys) {
		for (String key : keys) {
			this.stream.add(new StreamEntry(new StreamEntryID(RENEWED, this.stream.size()),
					StreamEntries.of(notification(key))));
		}
	}

	private static List<ReplayBuffer.Read> kept(long readMillis, String... keys) {
		List<ReplayBuffer.Read> reads = new ArrayList<>();
		for (int i = 0; i < keys.length; i++) {
			reads.add(new ReplayBuffer.Read(notification(keys[i]), readMillis + i));
		}
		return reads;
	}

	private static List<String> keys(List<KeyNotification> notifications) {
		return notifications.stream().map(KeyNotification::key).toList();
	}

	private static KeyNotification notification(String key) {
		return KeyNotification.parse(("__keyspace@0__:" + key).getBytes(StandardCharsets.UTF_8),
				"set".getBytes(StandardCharsets.UTF_8), null).orElseThrow();
	}

}
