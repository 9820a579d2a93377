package io.keyspace.notifications.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.match.Subscription;
import io.keyspace.notifications.internal.match.SubscriptionRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the reader thread does per message once it is read, without the network: find the
 * subscription (a pattern among 50, as for 50 {@code @OnKeyEvent} key globs), parse the
 * notification, and ask which handlers want it (an event filter, as {@code event = "set"}
 * makes). The baseline is what a raw Jedis handler does with the same message: decode the
 * channel into a String. Run from a fresh clone with
 * {@code ./mvnw -q -pl keyspace-notifications-autoconfigure test-compile exec:exec -Dexec.executable=java
 * -Dexec.classpathScope=test "-Dexec.args=-cp %classpath org.openjdk.jmh.Main ParseMatchBenchmark"}
 * (JMH forks a JVM, which needs the class path on its command line: hence {@code exec:exec}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseMatchBenchmark {

	private static final byte[] NO_PREFIX = new byte[0];

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private SubscriptionRegistry.Lookup lookup;

	private byte[][] channels;

	private byte[] pattern;

	private final byte[] message = "set".getBytes(StandardCharsets.US_ASCII);

	private int next;

	@Setup
	public void subscribe() {
		for (int i = 0; i < 50; i++) {
			this.registry.add(new KeyspaceChannel("entity" + i + ":*"),
					new FilteredHandler(KeyNotificationFilter.events("set", "del"), (n) -> {
					}));
		}
		this.lookup = this.registry.newLookup();
		this.pattern = "__keyspace@0__:entity17:*".getBytes(StandardCharsets.UTF_8);
		this.channels = new byte[1024][];
		for (int i = 0; i < this.channels.length; i++) {
			this.channels[i] = ("__keyspace@0__:entity17:" + i).getBytes(StandardCharsets.UTF_8);
		}
	}

	@Benchmark
	public void matchParseFilter(Blackhole blackhole) {
		byte[] channel = this.channels[this.next++ & 1023];
		Subscription subscription = this.lookup.match(this.pattern, channel);
		KeyNotification notification = KeyNotification
			.parse(channel, this.message, NO_PREFIX, this.pattern, "127.0.0.1:6379")
			.orElseThrow();
		blackhole.consume(subscription.handlersFor(notification));
	}

	@Benchmark
	public void rawJedisDecode(Blackhole blackhole) {
		blackhole.consume(new String(this.channels[this.next++ & 1023], StandardCharsets.UTF_8));
	}

}
