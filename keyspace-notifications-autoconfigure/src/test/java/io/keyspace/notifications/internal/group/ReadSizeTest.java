package io.keyspace.notifications.internal.group;

import java.time.Duration;

import io.keyspace.notifications.GroupSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads grow under a backlog while the handler keeps up, and fall back to batch-size. */
class ReadSizeTest {

	private static final GroupSettings SETTINGS = GroupSettings.defaults()
		.withBatchSize(100)
		.withClaimTimeout(Duration.ofSeconds(10)); // a read may take a second: a tenth of it

	private static final long FAST = Duration.ofMillis(5).toNanos();

	@Test
	void fullReadsHandledQuicklyDoubleUpToTheLimit() {
		ReadSize size = new ReadSize(SETTINGS);
		assertThat(size.count()).isEqualTo(100);

		size.afterRead(100, FAST);
		assertThat(size.count()).isEqualTo(200);
		for (int i = 0; i < 10; i++) {
			size.afterRead(size.count(), FAST);
		}

		assertThat(size.count()).isEqualTo(ReadSize.LIMIT);
	}

	@Test
	void aShortReadGoesBackToBatchSize() {
		ReadSize size = new ReadSize(SETTINGS);
		size.afterRead(100, FAST);
		size.afterRead(200, FAST);

		size.afterRead(399, FAST);

		assertThat(size.count()).isEqualTo(100);
	}

	@Test
	void itGrowsOnlyWhileTheNextReadWouldTakeATenthOfTheClaimTimeoutAtMost() {
		ReadSize size = new ReadSize(SETTINGS);

		size.afterRead(100, Duration.ofMillis(600).toNanos()); // twice that would be more than a second
		assertThat(size.count()).as("kept").isEqualTo(100);

		size.afterRead(100, Duration.ofMillis(500).toNanos());
		assertThat(size.count()).as("grown").isEqualTo(200);

		size.afterRead(200, Duration.ofMillis(1_001).toNanos());
		assertThat(size.count()).as("back to batch-size").isEqualTo(100);
	}

	@Test
	void aBatchSizeAboveTheLimitIsNeitherGrownNorCut() {
		ReadSize size = new ReadSize(SETTINGS.withBatchSize(5_000));

		size.afterRead(5_000, FAST);

		assertThat(size.count()).isEqualTo(5_000);
	}

}
