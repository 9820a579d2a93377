package io.keyspace.notifications.reactive;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OverflowEpisodesTest {

	private final List<NotificationGap> gaps = new ArrayList<>();

	private final MutableClock clock = new MutableClock();

	private final OverflowEpisodes episodes = new OverflowEpisodes(Set.of("__keyspace@0__:a:*"), this.gaps::add,
			this.clock);

	@Test
	void eachNodesEpisodeIsOneGapWithItsCountAndWindowReportedWhenANotificationFitsAgain() {
		this.episodes.refused("n1:1");
		this.episodes.refused("n1:1");
		this.clock.advance(5);
		this.episodes.refused("n2:2");
		assertThat(this.episodes.anyOpen()).isTrue();
		this.clock.advance(10);

		this.episodes.taken("n1:1");

		assertThat(this.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.node()).isEqualTo("n1:1");
			assertThat(gap.cause()).isEqualTo(GapCause.OVERFLOW);
			assertThat(gap.dropped()).isEqualTo(2);
			assertThat(gap.channels()).containsExactly("__keyspace@0__:a:*");
			assertThat(gap.duration().toMillis()).isEqualTo(15);
		});
		assertThat(this.episodes.anyOpen()).as("n2's episode is still open").isTrue();
		this.episodes.taken("n2:2");
		assertThat(this.gaps).hasSize(2);
		assertThat(this.gaps.get(1).dropped()).isEqualTo(1);
		assertThat(this.episodes.anyOpen()).isFalse();
	}

	@Test
	void aNodeWithoutAnEpisodeReportsNothing() {
		this.episodes.taken("n1:1");
		assertThat(this.gaps).isEmpty();
	}

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-12-07T12:00:00Z");

		void advance(long millis) {
			this.now = this.now.plusMillis(millis);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
