package io.keyspace.notifications.internal.match;

import java.nio.charset.StandardCharsets;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionRegistryTest {

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private final KeyNotificationHandler first = named("first");

	private final KeyNotificationHandler second = named("second");

	@Test
	void aChannelIsNewOnceAndGoneAfterRemove() {
		KeyspaceChannel channel = new KeyspaceChannel("k");
		assertThat(this.registry.add(channel, this.first)).isTrue();
		assertThat(this.registry.add(channel, this.second)).isFalse();
		assertThat(this.registry.channels()).containsExactly(channel);
		assertThat(this.registry.remove(channel)).isTrue();
		assertThat(this.registry.remove(channel)).isFalse();
		assertThat(this.registry.isEmpty()).isTrue();
		assertThat(this.registry.match(null, bytes("__keyspace@0__:k"))).isNull();
	}

	@Test
	void messagesMatchByChannelAndPmessagesByPatternEvenWhenTheNamesAreEqual() {
		KeyspaceChannel literal = new KeyspaceChannel("a\\*b"); // subscribed as __keyspace@0__:a*b
		KeyspaceChannel pattern = new KeyspaceChannel("a*b");
		assertThat(this.registry.add(literal, this.first)).isTrue();
		assertThat(this.registry.add(pattern, this.second)).isTrue();
		byte[] name = bytes("__keyspace@0__:a*b");
		assertThat(this.registry.match(null, name).channel()).isEqualTo(literal);
		assertThat(this.registry.match(name, bytes("__keyspace@0__:axxb")).channel()).isEqualTo(pattern);
		this.registry.remove(literal);
		assertThat(this.registry.match(null, name)).isNull();
		assertThat(this.registry.match(name, name)).isNotNull();
	}

	@Test
	void aReadersLookupRemembersItsLastMatchUntilTheRegistryChanges() {
		KeyspaceChannel pattern = new KeyspaceChannel("a*b");
		KeyspaceChannel literal = new KeyspaceChannel("a\\*b");
		this.registry.add(pattern, this.first);
		SubscriptionRegistry.Lookup lookup = this.registry.newLookup();
		byte[] name = bytes("__keyspace@0__:a*b");

		Subscription found = lookup.match(name, bytes("__keyspace@0__:axb"));
		assertThat(lookup.match(name.clone(), bytes("__keyspace@0__:ayb"))).isSameAs(found);
		assertThat(lookup.match(null, name)).as("the same name as a channel").isNull();
		this.registry.add(literal, this.second);
		assertThat(lookup.match(null, name).channel()).isEqualTo(literal);
		this.registry.add(pattern, this.second);
		assertThat(lookup.match(name, name).handlersFor(notification("axb", "set")))
			.containsExactly(this.first, this.second);
		this.registry.remove(pattern, this.first);
		assertThat(lookup.match(name, name).handlersFor(notification("axb", "set"))).containsExactly(this.second);
		this.registry.remove(pattern);
		assertThat(lookup.match(name, name)).isNull();
	}

	@Test
	void withoutFiltersEveryNotificationGoesToAllHandlersWithoutANewArray() {
		KeyspaceChannel channel = new KeyspaceChannel("k:*");
		this.registry.add(channel, this.first);
		this.registry.add(channel, this.second);
		this.registry.add(channel, this.first); // the same handler twice counts once
		Subscription subscription = this.registry.match(bytes(channel.toString()), null);
		KeyNotificationHandler[] handlers = subscription.handlersFor(notification("k:1", "set"));
		assertThat(handlers).containsExactly(this.first, this.second);
		assertThat(subscription.handlersFor(notification("k:2", "del"))).isSameAs(handlers);
		assertThat(subscription.pull()).isFalse();
	}

	@Test
	void filtersPickTheHandlersThatWantANotification() {
		KeyspaceChannel channel = new KeyspaceChannel("k:*");
		this.registry.add(channel, new FilteredHandler(KeyNotificationFilter.events("expired"), this.first));
		this.registry.add(channel, new FilteredHandler(KeyNotificationFilter.events("set", "expired"), this.second));
		Subscription subscription = this.registry.match(bytes(channel.toString()), null);
		KeyNotificationHandler[] both = subscription.handlersFor(notification("k:1", "expired"));
		assertThat(both).containsExactly(this.first, this.second);
		assertThat(subscription.handlersFor(notification("k:1", "expired"))).isSameAs(both);
		assertThat(subscription.handlersFor(notification("k:1", "set"))).containsExactly(this.second);
		assertThat(subscription.handlersFor(notification("k:1", "del"))).isEmpty();
	}

	@Test
	void anUnfilteredHandlerNextToAFilteredOneGetsEverything() {
		KeyeventChannel channel = new KeyeventChannel("expired");
		this.registry.add(channel, this.first);
		this.registry.add(channel, new FilteredHandler(KeyNotificationFilter.keys("session:*"), this.second));
		this.registry.add(channel, null);
		Subscription subscription = this.registry.match(null, bytes(channel.toString()));
		assertThat(subscription.pull()).isTrue();
		assertThat(subscription.handlersFor(keyevent("expired", "cart:1"))).containsExactly(this.first);
		assertThat(subscription.handlersFor(keyevent("expired", "session:1"))).containsExactly(this.first,
				this.second);
	}

	@Test
	void removingOneHandlerKeepsTheChannelUntilNothingWantsIt() {
		KeyspaceChannel channel = new KeyspaceChannel("k:*");
		FilteredHandler filtered = new FilteredHandler(KeyNotificationFilter.events("set"), this.second);
		this.registry.add(channel, this.first);
		this.registry.add(channel, filtered);
		this.registry.add(channel, null);

		assertThat(this.registry.remove(channel, this.second)).as("unfiltered second was never added").isFalse();
		assertThat(this.registry.remove(channel, this.first)).isFalse();
		Subscription rest = this.registry.match(bytes(channel.toString()), null);
		assertThat(rest.handlersFor(notification("k:1", "set"))).containsExactly(this.second);
		assertThat(rest.handlersFor(notification("k:1", "del"))).isEmpty();

		assertThat(this.registry.remove(channel,
				new FilteredHandler(KeyNotificationFilter.events("set"), this.second))).isFalse();
		assertThat(this.registry.match(bytes(channel.toString()), null).hasHandlers()).isFalse();
		assertThat(this.registry.channels()).as("pull mode still wants it").containsExactly(channel);
	}

	@Test
	void removingTheLastHandlerRemovesTheChannel() {
		KeyspaceChannel channel = new KeyspaceChannel("k");
		this.registry.add(channel, this.first);
		assertThat(this.registry.remove(new KeyspaceChannel("other"), this.first)).isFalse();
		assertThat(this.registry.remove(channel, this.first)).isTrue();
		assertThat(this.registry.isEmpty()).isTrue();
	}

	@Test
	void pullModeAloneHasNoHandlers() {
		KeyspaceChannel channel = new KeyspaceChannel("k");
		this.registry.add(channel, null);
		Subscription subscription = this.registry.match(null, bytes("__keyspace@0__:k"));
		assertThat(subscription.pull()).isTrue();
		assertThat(subscription.hasHandlers()).isFalse();
	}

	private static KeyNotification notification(String key, String event) {
		return KeyNotification.parse(bytes("__keyspace@0__:" + key), bytes(event), null).orElseThrow();
	}

	private static KeyNotification keyevent(String event, String key) {
		return KeyNotification.parse(bytes("__keyevent@0__:" + event), bytes(key), null).orElseThrow();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static KeyNotificationHandler named(String name) {
		return new KeyNotificationHandler() {

			@Override
			public void onNotification(KeyNotification notification) {
			}

			@Override
			public String toString() {
				return name;
			}

		};
	}

}
