package io.keyspace.notifications.internal.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ServerConfigMode;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.match.Subscription;
import io.keyspace.notifications.internal.match.SubscriptionRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.assertj.core.api.Assertions.assertThat;

/** The check's decisions and log lines, against a fake CONFIG; the real servers are in ServerConfigIT. */
class ServerConfigCheckTest {

	private static final KeyNotificationHandler HANDLER = (notification) -> {
	};

	private static final RedisNode NODE = new RedisNode("10.0.0.1", 6379);

	private static final RedisNode OTHER = new RedisNode("10.0.0.2", 6379);

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private final FakeConfig config = new FakeConfig();

	private final LogCapture log = new LogCapture(ServerConfigCheck.class, Level.DEBUG);

	/** The nodes read, each with the channels its server confirmed. */
	private final Map<RedisNode, Set<String>> nodes = new LinkedHashMap<>(
			Map.of(NODE, Set.of("__keyspace@0__:session:*")));

	@AfterEach
	void closeLog() {
		this.log.close();
	}

	@Test
	void verifyWarnsOncePerNodeAndChangeWithTheFixAndNeverSets() {
		this.config.values.put(NODE, "Kg");
		this.registry.add(new KeyspaceChannel("session:*"),
				new FilteredHandler(KeyNotificationFilter.events("expired"), HANDLER));
		ServerConfigCheck check = check(ServerConfigMode.VERIFY);

		check.nodeConnected(NODE);
		check.nodeConnected(NODE); // a reconnect to a server that is still not fixed

		assertThat(this.log.messages(Level.WARN)).singleElement()
			.asString()
			.contains("10.0.0.1:6379")
			.contains("is 'Kg' and lacks 'x'")
			.contains("CONFIG SET notify-keyspace-events 'gxK'")
			.contains("keyspace-notifications.server-config=apply");
		assertThat(this.config.sets).isEmpty();

		this.config.values.put(NODE, "gxK");
		check.nodeConnected(NODE);
		this.config.values.put(NODE, ""); // restarted without the setting
		check.nodeConnected(NODE);
		assertThat(this.log.messages(Level.WARN)).hasSize(2).last().asString().contains("is '' and lacks 'xK'");
	}

	@Test
	void applyAddsTheMissingLettersKeepingEveryOtherAndLogsWhatChanged() {
		this.config.values.put(NODE, "Elm");
		this.registry.add(new KeyspaceChannel("session:*"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.APPLY);

		check.nodeConnected(NODE);
		check.nodeConnected(NODE);

		assertThat(this.config.sets).containsExactly(NODE + "=AKEm");
		assertThat(this.log.messages(Level.INFO)).singleElement()
			.asString()
			.contains("10.0.0.1:6379")
			.contains("from 'Elm' to 'AKEm'")
			.contains("need 'g$shzxetdK'");
		assertThat(this.log.messages(Level.WARN)).isEmpty();
	}

	@Test
	void aRefusedConfigGetIsReportedOnceAtInfoAndNothingElseHappens() {
		this.config.getFailure = new JedisAccessControlException(
				"NOPERM User watcher has no permissions to run the 'config|get' command");
		this.registry.add(new KeyeventChannel("expired"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.APPLY);

		check.nodeConnected(NODE);
		check.nodeConnected(NODE);
		check.nodeConnected(OTHER);

		assertThat(this.log.messages(Level.INFO)).hasSize(2)
			.allSatisfy((line) -> assertThat(line).contains("Cannot check notify-keyspace-events on")
				.contains("NOPERM")
				.contains("'xE'")
				.contains("keyspace-notifications.server-config=none"))
			.anySatisfy((line) -> assertThat(line).contains(NODE.toString()))
			.anySatisfy((line) -> assertThat(line).contains(OTHER.toString()));
		assertThat(this.log.messages(Level.WARN)).isEmpty();
		assertThat(this.config.sets).isEmpty();
	}

	@Test
	void aRefusedConfigSetWarnsWithTheReasonAndTheFix() {
		this.config.values.put(NODE, "");
		this.config.setFailure = new JedisAccessControlException(
				"NOPERM User watcher has no permissions to run the 'config|set' command");
		this.registry.add(new KeyeventChannel("expired"), HANDLER);

		check(ServerConfigMode.APPLY).nodeConnected(NODE);

		assertThat(this.log.messages(Level.WARN)).singleElement()
			.asString()
			.contains("10.0.0.1:6379")
			.contains("CONFIG SET was refused (NOPERM")
			.contains("CONFIG SET notify-keyspace-events 'xE'");
	}

	@Test
	void anUnreachableNodeIsLeftToItsNextReconnectQuietly() {
		this.config.getFailure = new JedisConnectionException("Connection refused");
		this.registry.add(new KeyeventChannel("expired"), HANDLER);

		check(ServerConfigMode.VERIFY).nodeConnected(NODE);

		assertThat(this.log.messages(Level.WARN)).isEmpty();
		assertThat(this.log.messages(Level.INFO)).isEmpty();
		assertThat(this.log.messages(Level.DEBUG)).singleElement().asString().contains("Connection refused");
	}

	@Test
	void aSubscriptionThatNeedsMoreChecksEveryNodeAndOneThatDoesNotChecksNone() {
		this.nodes.put(OTHER, Set.of()); // connecting: checked all the same
		this.config.values.put(NODE, "xE");
		this.config.values.put(OTHER, "xE");
		ServerConfigCheck check = check(ServerConfigMode.VERIFY);
		this.registry.add(new KeyeventChannel("expired"), HANDLER);
		check.subscriptionsChanged();
		assertThat(this.config.gets).containsExactly(NODE, OTHER);

		this.registry.add(new KeyeventChannel("expired", 1), HANDLER);
		check.subscriptionsChanged();
		assertThat(this.config.gets).as("nothing new needed").hasSize(2);

		this.registry.add(new KeyeventChannel("del"), HANDLER);
		check.subscriptionsChanged();
		assertThat(this.config.gets).hasSize(4);
		assertThat(this.log.messages(Level.WARN)).hasSize(2).allSatisfy((line) -> assertThat(line).contains("lacks 'g'"));
	}

	@Test
	void whatChangedDecidesWhetherToRecheckWithoutReadingTheRegistry() {
		this.config.values.put(NODE, "xE");
		this.config.values.put(OTHER, "xE");
		this.nodes.put(OTHER, Set.of());
		List<Subscription> read = new ArrayList<>();
		ServerConfigCheck check = new ServerConfigCheck(ServerConfigMode.VERIFY, this.config, () -> {
			read.addAll(this.registry.subscriptions());
			return this.registry.subscriptions();
		}, () -> this.nodes, Runnable::run);
		KeyeventChannel expired = new KeyeventChannel("expired");
		this.registry.add(expired, HANDLER);
		check.subscriptionsChanged(List.of(subscriptionOf(expired)));
		assertThat(this.config.gets).containsExactly(NODE, OTHER);
		read.clear();

		KeyeventChannel expiredInDb1 = new KeyeventChannel("expired", 1);
		this.registry.add(expiredInDb1, HANDLER);
		check.subscriptionsChanged(List.of(subscriptionOf(expiredInDb1)));
		check.subscriptionsChanged(List.of());
		assertThat(this.config.gets).as("nothing new needed").hasSize(2);
		assertThat(read).as("the registry is not read for it").isEmpty();

		KeyeventChannel del = new KeyeventChannel("del");
		this.registry.add(del, HANDLER);
		check.subscriptionsChanged(List.of(subscriptionOf(del)));
		assertThat(this.config.gets).hasSize(4);
		assertThat(this.log.messages(Level.WARN)).hasSize(2).allSatisfy((line) -> assertThat(line).contains("lacks 'g'"));
	}

	private Subscription subscriptionOf(KeyeventChannel channel) {
		return this.registry.match(null, channel.toBytes());
	}

	@Test
	void verifyReportsFlagsRemovedWhileSubscribedOnceAndTheirReturnOnce() {
		this.config.values.put(NODE, "KEA");
		this.config.values.put(OTHER, "KEA");
		this.registry.add(new KeyspaceChannel("session:*"), HANDLER);
		this.registry.add(new KeyeventChannel("expired"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.VERIFY);
		check.nodeConnected(NODE);
		check.recheckAll();
		assertThat(this.log.messages(Level.WARN)).isEmpty();

		this.config.values.put(NODE, "E"); // CONFIG SET by someone else, no connection closed
		check.recheckAll();
		check.recheckAll(); // still wrong: nothing new to say
		check.recheckAll();

		assertThat(this.log.messages(Level.WARN)).singleElement()
			.asString()
			.contains("Redis at 10.0.0.1:6379 no longer publishes")
			.contains("is 'E' and lacks 'AK'")
			.contains("on __keyevent@0__:expired, __keyspace@0__:session:*.")
			.contains("CONFIG SET notify-keyspace-events 'AKE'");
		assertThat(check.missingOn(NODE)).isEqualTo("AK");
		assertThat(check.missingOn(OTHER)).isEmpty();
		assertThat(this.config.sets).isEmpty();

		this.config.values.put(NODE, "KEA");
		check.recheckAll();
		check.recheckAll();

		assertThat(this.log.messages(Level.INFO)).singleElement()
			.asString()
			.contains("Redis at 10.0.0.1:6379 publishes every keyspace notification subscribed here again")
			.contains("is 'KEA'");
		assertThat(check.missingOn(NODE)).isEmpty();

		this.config.values.put(NODE, "AE"); // a second loss is a new change
		check.recheckAll();
		assertThat(this.log.messages(Level.WARN)).hasSize(2).last().asString().contains("lacks 'K'");
	}

	@Test
	void applySetsFlagsRemovedWhileSubscribedAgainWithAWarnNamingTheChannels() {
		this.config.values.put(NODE, "AK");
		this.registry.add(new KeyspaceChannel("session:*"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.APPLY);
		check.nodeConnected(NODE);

		this.config.values.put(NODE, "");
		check.recheckAll();
		check.recheckAll();

		assertThat(this.config.sets).containsExactly(NODE + "=AK");
		assertThat(this.log.messages(Level.WARN)).singleElement()
			.asString()
			.contains("notify-keyspace-events on 10.0.0.1:6379 had been changed to '', which lacks 'AK'")
			.contains("set it to 'AK' again")
			.contains("Notifications on __keyspace@0__:session:* published meanwhile were lost");
		assertThat(check.missingOn(NODE)).isEmpty();
		assertThat(this.log.messages(Level.INFO)).isEmpty();
	}

	@Test
	void applyThatCannotSetKeepsTheFlagsReportedAsMissing() {
		this.config.values.put(NODE, "AK");
		this.registry.add(new KeyspaceChannel("session:*"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.APPLY);
		check.nodeConnected(NODE);

		this.config.values.put(NODE, "");
		this.config.setFailure = new JedisAccessControlException("NOPERM no config|set");
		check.recheckAll();
		check.recheckAll();

		assertThat(this.log.messages(Level.WARN)).singleElement()
			.asString()
			.contains("Redis at 10.0.0.1:6379 no longer publishes")
			.contains("CONFIG SET was refused (NOPERM no config|set)");
		assertThat(check.missingOn(NODE)).isEqualTo("AK");
	}

	@Test
	void thePeriodicCheckLeavesConnectingNodesAndNodesThatRefusedConfigToTheirReconnect() {
		this.nodes.put(OTHER, Set.of()); // connecting or reconnecting: its connection triggers a check
		this.registry.add(new KeyeventChannel("expired"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.VERIFY);
		this.config.getFailure = new JedisAccessControlException("NOPERM no config|get");
		check.nodeConnected(NODE);
		this.config.getFailure = null;

		check.recheckAll();
		assertThat(this.config.gets).as("a refusal is not repeated into the server's ACL LOG").containsExactly(NODE);

		check.nodeConnected(NODE); // reconnected, and allowed now
		check.recheckAll();
		assertThat(this.config.gets).containsExactly(NODE, NODE, NODE);
	}

	@Test
	void theWarningNamesOnlyTheChannelsAffectedAndTheFirstFiveOfThem() {
		this.config.values.put(NODE, "$K");
		this.registry.add(new KeyspaceChannel("ok"), new FilteredHandler(KeyNotificationFilter.events("set"), HANDLER));
		for (int key = 1; key <= 7; key++) {
			this.registry.add(new KeyspaceChannel("k" + key), HANDLER);
		}

		check(ServerConfigMode.VERIFY).nodeConnected(NODE);

		assertThat(this.log.messages(Level.WARN)).singleElement()
			.asString()
			.contains("on __keyspace@0__:k1, __keyspace@0__:k2, __keyspace@0__:k3, __keyspace@0__:k4, "
					+ "__keyspace@0__:k5 and 2 more channel(s).")
			.doesNotContain("__keyspace@0__:ok");
	}

	@Test
	void whatWasFoundOnANodeNoLongerReadIsForgotten() {
		this.registry.add(new KeyeventChannel("expired"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.VERIFY);
		check.recheckAll();
		assertThat(check.missingOn(NODE)).isEqualTo("xE");

		this.nodes.clear();
		check.recheckAll();
		assertThat(check.missingOn(NODE)).isEmpty();
	}

	@Test
	void noneSendsNoConfigCommand() {
		this.registry.add(new KeyeventChannel("expired"), HANDLER);
		ServerConfigCheck check = check(ServerConfigMode.NONE);
		check.nodeConnected(NODE);
		check.subscriptionsChanged();
		check.recheckAll();
		assertThat(this.config.gets).isEmpty();
	}

	private ServerConfigCheck check(ServerConfigMode mode) {
		return new ServerConfigCheck(mode, this.config, this.registry::subscriptions, () -> this.nodes,
				Runnable::run);
	}

	private static final class FakeConfig implements NodeConfigAccess {

		final Map<RedisNode, String> values = new HashMap<>();

		final List<RedisNode> gets = new ArrayList<>();

		final List<String> sets = new ArrayList<>();

		RuntimeException getFailure;

		JedisDataException setFailure;

		@Override
		public String get(RedisNode node) {
			this.gets.add(node);
			if (this.getFailure != null) {
				throw this.getFailure;
			}
			return this.values.getOrDefault(node, "");
		}

		@Override
		public void set(RedisNode node, String value) {
			if (this.setFailure != null) {
				throw this.setFailure;
			}
			this.sets.add(node + "=" + value);
			this.values.put(node, value);
		}

	}

}
