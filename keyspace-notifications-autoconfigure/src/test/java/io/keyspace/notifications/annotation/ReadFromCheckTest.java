package io.keyspace.notifications.annotation;

import java.util.List;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.ReadFrom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Which handlers cannot get what they wait for from a replica. */
class ReadFromCheckTest {

	@ParameterizedTest
	@ValueSource(strings = { "expired", "evicted", "hexpired", "exp*", "e*", "h*", "*ed", "ev?cted", "[ex]xpired" })
	void anEventOrGlobMatchingExpiredEvictedOrHexpiredFailsWithReplica(String event) {
		assertThatExceptionOfType(InvalidOnKeyEventException.class)
			.isThrownBy(() -> ReadFromCheck.check(attributes("set", event), ReadFrom.REPLICA))
			.satisfies((ex) -> {
				assertThat(ex.handler()).isEqualTo("Sessions#onEnd");
				assertThat(ex.problem()).contains("(event \"" + event + "\")")
					.contains("keyspace-notifications.read-from is replica")
					.contains("a replica never publishes");
				assertThat(ex.fix()).startsWith("Set keyspace-notifications.read-from=primary")
					.contains("replica-preferred")
					.contains(event.startsWith("h") ? "listen for hdel" : "listen for del");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "*", "del", "hdel", "set", "expire", "hexpire", "hpersist", "x*" })
	void everyEventAnEventThatIsNotAnExpiryOrAGlobThatMissesThemPasses(String event) {
		assertThatNoException().isThrownBy(() -> ReadFromCheck.check(attributes(event), ReadFrom.REPLICA));
	}

	@ParameterizedTest
	@EnumSource(ReadFrom.class)
	void aHandlerWithoutEventsWantsEverythingAndPasses(ReadFrom readFrom) {
		assertThatNoException().isThrownBy(() -> ReadFromCheck.check(attributes(), readFrom));
	}

	@ParameterizedTest
	@ValueSource(strings = { "expired", "e*", "*ed" })
	void theMessageNamesTheEventsTheGlobMatches(String event) {
		String named = switch (event) {
			case "e*" -> "expired and evicted";
			case "*ed" -> "expired, evicted and hexpired";
			default -> "expired";
		};
		assertThatExceptionOfType(InvalidOnKeyEventException.class)
			.isThrownBy(() -> ReadFromCheck.check(attributes(event), ReadFrom.REPLICA))
			.satisfies((ex) -> assertThat(ex.problem())
				.startsWith("it listens for " + named + " (event"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "expired", "evicted" })
	void replicaPreferredWarnsOnceAndStarts(String event) {
		try (LogCapture log = new LogCapture(ReadFromCheck.class, Level.WARN)) {
			ReadFromCheck.check(attributes(event), ReadFrom.REPLICA_PREFERRED);
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("@OnKeyEvent method Sessions#onEnd listens for " + event)
				.contains("keyspace-notifications.read-from is replica-preferred")
				.contains("only while no replica is reachable")
				.contains("Set keyspace-notifications.read-from=primary");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "expired", "*" })
	void primaryIsNeverChecked(String event) {
		try (LogCapture log = new LogCapture(ReadFromCheck.class, Level.WARN)) {
			ReadFromCheck.check(attributes(event), ReadFrom.PRIMARY);
			assertThat(log.messages(Level.WARN)).isEmpty();
		}
	}

	private static OnKeyEventEndpointFactory.Attributes attributes(String... events) {
		return new OnKeyEventEndpointFactory.Attributes("Sessions#onEnd", List.of("session:*"), List.of(events),
				new ChannelType[0], "", "", "");
	}

}
