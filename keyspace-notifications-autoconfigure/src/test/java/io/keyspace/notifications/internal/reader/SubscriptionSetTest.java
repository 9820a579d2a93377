package io.keyspace.notifications.internal.reader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The wanted/sent/confirmed bookkeeping of one node reader, and the RESP2 frame keywords. */
class SubscriptionSetTest {

	private final SubscriptionSet set = new SubscriptionSet();

	@Test
	void sendsOnlyWhatChangedSinceTheLastSend() {
		this.set.want(names("a", "b"));
		assertThat(strings(this.set.toUnsubscribe())).isEmpty();
		assertThat(strings(this.set.toSubscribe())).containsExactly("a", "b");
		this.set.sentAll();

		this.set.want(names("b", "c"));
		this.set.unwant(names("a"));
		assertThat(strings(this.set.toUnsubscribe())).containsExactly("a");
		assertThat(strings(this.set.toSubscribe())).containsExactly("c");
		this.set.sentAll();

		assertThat(this.set.toUnsubscribe()).isEmpty();
		assertThat(this.set.toSubscribe()).isEmpty();
	}

	@Test
	void aNameWantedAndDroppedBeforeASendIsNeverSent() {
		this.set.want(names("a"));
		this.set.unwant(names("a"));
		assertThat(this.set.toUnsubscribe()).isEmpty();
		assertThat(this.set.toSubscribe()).isEmpty();
	}

	@Test
	void aNewConnectionGetsEverythingWantedAndForgetsConfirmations() {
		this.set.want(names("a", "b"));
		this.set.toSubscribe();
		this.set.sentAll();
		this.set.confirm(bytes("a"), true);
		this.set.confirm(bytes("b"), true);
		assertThat(this.set.allConfirmed()).isTrue();

		this.set.newConnection();

		assertThat(this.set.allConfirmed()).isFalse();
		assertThat(strings(this.set.toSubscribe())).containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void settledWhenConfirmedOrNoLongerWanted() {
		this.set.want(names("a", "b"));
		this.set.confirm(bytes("a"), true);
		assertThat(this.set.settled(names("a"))).isTrue();
		assertThat(this.set.settled(names("a", "b"))).isFalse();
		this.set.unwant(names("b"));
		assertThat(this.set.settled(names("a", "b"))).isTrue();
		this.set.confirm(bytes("a"), false);
		assertThat(this.set.settled(names("a"))).isFalse();
	}

	@Test
	void aWaiterLooksOnFromTheFirstNameNotSettledYet() {
		List<byte[]> waitedFor = names("a", "b", "c", "d");
		this.set.want(waitedFor);
		assertThat(this.set.firstUnsettled(waitedFor, 0)).isZero();
		this.set.confirm(bytes("a"), true);
		this.set.confirm(bytes("c"), true);
		assertThat(this.set.firstUnsettled(waitedFor, 0)).isEqualTo(1);
		this.set.confirm(bytes("b"), true);
		assertThat(this.set.firstUnsettled(waitedFor, 1)).isEqualTo(3);
		this.set.unwant(names("d"));
		assertThat(this.set.firstUnsettled(waitedFor, 3)).as("no longer wanted: nobody waits for it").isEqualTo(4);
		this.set.newConnection();
		assertThat(this.set.firstUnsettled(waitedFor, 0)).as("a new connection confirmed nothing yet").isZero();
	}

	@Test
	void binaryNamesSurviveTheRoundTrip() {
		byte[] binary = { (byte) 0xff, 0, '*', (byte) 0xc3, (byte) 0xa9 };
		this.set.want(List.of(binary));
		assertThat(this.set.toSubscribe()).singleElement().isEqualTo(binary);
		this.set.sentAll();
		this.set.unwant(List.of(binary));
		assertThat(this.set.toUnsubscribe()).singleElement().isEqualTo(binary);
	}

	@Test
	void confirmedNamesAreReportedAsUtf8() {
		this.set.want(names("__keyspace@0__:café"));
		this.set.confirm(bytes("__keyspace@0__:café"), true);
		Set<String> confirmed = new TreeSet<>();
		this.set.copyConfirmedTo(confirmed);
		assertThat(confirmed).containsExactly("__keyspace@0__:café");
	}

	@Test
	void frameKeywordsAreRecognizedByName() {
		for (FrameKind kind : FrameKind.values()) {
			assertThat(FrameKind.of(bytes(kind.name().toLowerCase(java.util.Locale.ROOT)), kind.name().length())).isEqualTo(kind);
		}
		assertThat(FrameKind.of(bytes("smessage"), 8)).isNull();
		assertThat(FrameKind.of(bytes("messages"), 8)).isNull();
		assertThat(FrameKind.of(new byte[0], 0)).isNull();
	}

	private static List<byte[]> names(String... names) {
		return java.util.Arrays.stream(names).map(SubscriptionSetTest::bytes).toList();
	}

	private static byte[] bytes(String name) {
		return name.getBytes(StandardCharsets.UTF_8);
	}

	private static List<String> strings(List<byte[]> names) {
		return names.stream().map((name) -> new String(name, StandardCharsets.UTF_8)).toList();
	}

}
