package io.keyspace.notifications.internal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.SubkeyeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyspaceeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;
import io.keyspace.notifications.internal.match.Subscription;
import io.keyspace.notifications.internal.match.SubscriptionRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class NotificationFlagsTest {

	private static final KeyNotificationHandler HANDLER = (notification) -> {
	};

	static Stream<Arguments> channels() {
		return Stream.of(
				// kind letter + the class of the event the channel names
				arguments(new KeyeventChannel("expired"), null, "xE"),
				arguments(new KeyeventChannel("set", 3), null, "$E"),
				arguments(new KeyeventChannel("del"), null, "gE"),
				arguments(new KeyeventChannel("rename_to"), null, "gE"),
				arguments(new KeyeventChannel("lpush"), null, "lE"),
				arguments(new KeyeventChannel("sortstore"), null, "lE"),
				arguments(new KeyeventChannel("sadd"), null, "sE"),
				arguments(new KeyeventChannel("hexpired"), null, "hE"),
				arguments(new KeyeventChannel("zincr"), null, "zE"),
				arguments(new KeyeventChannel("xgroup-create"), null, "tE"),
				arguments(new KeyeventChannel("evicted"), null, "eE"),
				arguments(new KeyeventChannel("keymiss"), null, "Em"),
				arguments(new KeyeventChannel("new"), null, "nE"),
				arguments(new KeyeventChannel("overwritten"), null, "oE"),
				arguments(new KeyeventChannel("type_changed"), null, "cE"),
				// an event glob, an unknown event (a module's, a newer server's): every class
				arguments(new KeyeventChannel("*"), null, "AE"),
				arguments(new KeyeventChannel("h*"), null, "AE"),
				arguments(new KeyeventChannel("json.set"), null, "AE"),
				// a literal written with an escape is still one known event
				arguments(new KeyeventChannel("rename\\_to"), null, "gE"),
				// no event in the channel: every class, unless the handlers' filters narrow it
				arguments(new KeyspaceChannel("session:*"), null, "AK"),
				arguments(new KeyspaceChannel("session:1"), Set.of("expired"), "xK"),
				arguments(new KeyspaceChannel("session:*"), Set.of("expired", "del"), "gxK"),
				arguments(new KeyspaceChannel("session:*"), Set.of("expired", "h*"), "AK"),
				// a channel's event glob narrowed by the filter
				arguments(new KeyeventChannel("*"), Set.of("expired"), "xE"),
				// the channel's literal event wins over a wider filter
				arguments(new KeyeventChannel("set"), Set.of("*"), "$E"),
				// Redis 8.8's subkey kinds have their own letters; hash events are class h
				arguments(new SubkeyspaceChannel("user:*"), null, "AS"),
				arguments(new SubkeyspaceChannel("user:1"), Set.of("hset"), "hS"),
				arguments(new SubkeyeventChannel("hset"), null, "hT"),
				arguments(new SubkeyspaceitemChannel("user:1", "name"), null, "AI"),
				arguments(new SubkeyspaceitemChannel("user:1", "name"), Set.of("hexpired"), "hI"),
				arguments(new SubkeyspaceeventChannel("hdel", "user:*"), null, "hV"));
	}

	@ParameterizedTest(name = "{0} with handler events {1} needs {2}")
	@MethodSource("channels")
	void aChannelNeedsItsKindAndTheClassesOfItsEvents(NotificationChannel channel, Set<String> handlerEvents,
			String letters) {
		assertThat(NotificationFlags.required(channel, Optional.ofNullable(handlerEvents))).isEqualTo(letters);
	}

	@Test
	void theRegistryNeedsTheUnionAndHandlerFiltersNarrowOnlyWhenEveryReceiverHasOne() {
		SubscriptionRegistry registry = new SubscriptionRegistry();
		KeyspaceChannel sessions = new KeyspaceChannel("session:*");
		registry.add(sessions, new FilteredHandler(KeyNotificationFilter.events("expired"), HANDLER));
		registry.add(new KeyeventChannel("set"), HANDLER);
		assertThat(NotificationFlags.required(registry.subscriptions())).isEqualTo("$xKE");

		registry.add(sessions, new FilteredHandler(KeyNotificationFilter.keys("session:1"), HANDLER));
		assertThat(NotificationFlags.required(registry.subscriptions()))
			.as("a second handler without an event filter wants every event of the channel")
			.isEqualTo("AKE");

		SubscriptionRegistry pull = new SubscriptionRegistry();
		pull.add(sessions, new FilteredHandler(KeyNotificationFilter.events("expired"), HANDLER));
		pull.add(sessions, null);
		assertThat(NotificationFlags.required(pull.subscriptions())).as("pull mode takes every event").isEqualTo("AK");

		assertThat(NotificationFlags.required(List.of())).isEmpty();
	}

	@ParameterizedTest(name = "''{0}''")
	@ValueSource(strings = { "", "xE", "$xKE", "AKE", "AK", "AnKE", "gxKE", "KEmr", "AKETIV" })
	void coversSaysWhatMissingOfRequiredSays(String current) {
		SubscriptionRegistry registry = new SubscriptionRegistry();
		KeyspaceChannel sessions = new KeyspaceChannel("session:*");
		registry.add(sessions, new FilteredHandler(KeyNotificationFilter.events("expired"), HANDLER));
		List<List<Subscription>> cases = new ArrayList<>();
		cases.add(List.copyOf(registry.subscriptions()));
		registry.add(new KeyeventChannel("set"), HANDLER);
		cases.add(List.copyOf(registry.subscriptions()));
		registry.add(new KeyeventChannel("new"), HANDLER);
		cases.add(List.copyOf(registry.subscriptions()));
		registry.add(sessions, null);
		cases.add(List.copyOf(registry.subscriptions()));
		cases.add(List.of());
		for (List<Subscription> subscriptions : cases) {
			assertThat(NotificationFlags.covers(current, subscriptions)).as("%s", subscriptions)
				.isEqualTo(NotificationFlags.missing(current, NotificationFlags.required(subscriptions)).isEmpty());
		}
	}

	@Test
	void everyEventTypeConstantHasItsClassExceptThoseRedisDoesNotSend() {
		Set<String> unknown = Set.of(EventType.GETEX, EventType.GETDEL, EventType.SETIFGT, EventType.SETIFLT,
				EventType.SETIFEQ, EventType.SETIFNE, EventType.RESYNC);
		Stream.of(EventType.class.getFields()).map((field) -> {
			try {
				return (String) field.get(null);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}).forEach((event) -> assertThat(NotificationFlags.classOf(event)).as(event)
			.matches(unknown.contains(event) ? "A" : "[g$lshzxetdn]"));
	}

	@ParameterizedTest(name = "''{0}'' needing ''{1}'' lacks ''{2}'', merged ''{3}''")
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
			// current | required | missing | merged
			"\"\"      | xK      | xK       | xK",
			"AKE       | xK      | \"\"     | AKE",
			"Ex        | xK      | K        | xKE",
			"gxKE      | AK      | $lshzetd | AKE",
			// the classes that make up A collapse into A
			"g$lshzxetKE | dK    | d        | AKE",
			"g$lshzxetdKE | xK   | \"\"     | AKE",
			// never removes, keeps letters it does not know (a newer server's) at the end
			"KEmr      | xK      | x        | xKEmr",
			"Kl        | nE      | nE       | lnKE",
			// CONFIG GET shows no n/o/c after A: they cannot be checked, so they are not reported
			"AKE       | nK      | \"\"     | AnKE",
			// Redis 8.8 subkey letters come after K E m
			"h         | hS      | S        | hS",
			"AKE       | hVIT    | TIV      | AKETIV" })
	void missingLettersAndTheMergedValue(String current, String required, String missing, String merged) {
		assertThat(NotificationFlags.missing(current, required)).isEqualTo(missing);
		assertThat(NotificationFlags.merge(current, required)).isEqualTo(merged);
		assertThat(NotificationFlags.missing(merged, required)).as("the merged value needs nothing more").isEmpty();
		for (char letter : current.replace("A", NotificationFlags.ALL_CLASSES).toCharArray()) {
			assertThat(merged.replace("A", NotificationFlags.ALL_CLASSES)).as("keeps " + letter).contains(String.valueOf(letter));
		}
	}

}
