package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import java.time.Duration;

import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which kept notifications a takeover writes, given what the stream already holds (pure matching). */
class TakeoverReplayTest {

	private static final GroupKeys KEYS = new GroupKeys("p:", "g");

	private static final String STREAM = KEYS.stream("0");

	private final FakeRedis server = new FakeRedis(KEYS, 1_000);

	private final long renewed = this.server.clock.millis() + 100_000; // the previous forwarder's last renewal

	private final GroupRedis redis = this.server.view("c", Duration.ofSeconds(1));

	private final TakeoverReplay replay = new TakeoverReplay(this.redis);

	TakeoverReplayTest() {
		this.redis.createGroup(STREAM);
	}

	@Test
	void aCleanHandoverWritesNothingTheStreamHolds() {
		written("a", "b", "c");

		assertThat(keys(this.replay.notYetIn(STREAM, this.renewed, kept(this.renewed - 500, "a", "b", "c")))).isEmpty();
	}

	@Test
	void whatADeadForwarderDidNotWriteIsWrittenInOrder() {
		written("a", "b");

		assertThat(keys(this.replay.notYetIn(STREAM, this.renewed, kept(this.renewed - 500, "a", "b", "c", "d"))))
			.containsExactly("c", "d");
	}

	@Test
	void anOlderIdenticalCopyInTheStreamDoesNotStandForALaterOneThatWasNeverWritten() {
		written("k"); // written for the copy read 1.5 s before the renewal
		List<ReplayBuffer.Read> kept = new ArrayList<>(kept(this.renewed - 1_500, "k"));
		kept.addAll(kept(this.renewed + 200, "k"));

		assertThat(keys(this.replay.notYetIn(STREAM, this.renewed, kept))).containsExactly("k");
	}

	@Test
	void onlyWhatWasKeptInTheReplayWindowIsWritten() {
		List<ReplayBuffer.Read> kept = new ArrayList<>(kept(this.renewed - 1_500, "old"));
		kept.addAll(kept(this.renewed - 500, "new"));

		assertThat(keys(this.replay.notYetIn(STREAM, this.renewed, kept))).containsExactly("new");
	}

	@Test
	void aSourceNeverForwardedGetsEverythingKept() {
		assertThat(keys(this.replay.notYetIn(STREAM, 0, kept(5, "a", "b")))).containsExactly("a", "b");
	}

	/** Written by the previous forwarder at its last renewal. */
	private void written(String... keys) {
		this.server.clock.advance(this.renewed - this.server.clock.millis());
		this.redis.acquireLease("0"); // appends are fenced by the lease
		List<Forward> batch = new ArrayList<>();
		for (String key : keys) {
			batch.add(new Forward("0", notification(key)));
		}
		this.redis.append(batch);
	}

	private List<ReplayBuffer.Read> kept(long readMillis, String... keys) {
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
