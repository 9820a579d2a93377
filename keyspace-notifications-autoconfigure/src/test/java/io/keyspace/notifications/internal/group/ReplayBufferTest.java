package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;

import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayBufferTest {

	@Test
	void keepsTheNewestReadsAndRemembersUntilWhenItDroppedAny() {
		ReplayBuffer buffer = new ReplayBuffer(3);
		for (int i = 1; i <= 5; i++) {
			buffer.add(notification("k" + i), i * 100L);
		}

		assertThat(buffer.lostUntil()).isEqualTo(200);
		assertThat(buffer.takeSince(0)).extracting((read) -> read.notification().key())
			.containsExactly("k3", "k4", "k5");
		assertThat(buffer.takeSince(0)).as("taking empties it").isEmpty();
	}

	@Test
	void takesOnlyWhatWasReadSinceAndForgetsWhatIsSurelyForwarded() {
		ReplayBuffer buffer = new ReplayBuffer(10);
		for (int i = 1; i <= 5; i++) {
			buffer.add(notification("k" + i), i * 100L);
		}
		buffer.forgetBefore(200);

		assertThat(buffer.lostUntil()).as("forgetting is not losing").isZero();
		assertThat(buffer.takeSince(400)).extracting(ReplayBuffer.Read::readMillis).containsExactly(400L, 500L);
	}

	private static KeyNotification notification(String key) {
		return KeyNotification.parse(("__keyspace@0__:" + key).getBytes(StandardCharsets.UTF_8),
				"set".getBytes(StandardCharsets.UTF_8), null).orElseThrow();
	}

}
