package io.keyspace.notifications.internal.reader;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.RedisInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FrameReaderTest {

	private final FrameReader reader = new FrameReader();

	@Test
	void readsMessagesAndHandsOutTheSamePatternArrayEachTime() {
		RedisInputStream in = stream("*3\r\n$7\r\nmessage\r\n$17\r\n__keyspace@0__:k1\r\n$3\r\nset\r\n"
				+ "*4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n$17\r\n__keyspace@0__:k2\r\n$3\r\ndel\r\n"
				+ "*4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n$17\r\n__keyspace@0__:k3\r\n$0\r\n\r\n");
		assertThat(this.reader.read(in)).isSameAs(this.reader);
		assertThat(this.reader.kind).isEqualTo(FrameKind.MESSAGE);
		assertThat(this.reader.pattern).isNull();
		assertThat(text(this.reader.channel)).isEqualTo("__keyspace@0__:k1");
		assertThat(text(this.reader.message)).isEqualTo("set");

		this.reader.read(in);
		assertThat(this.reader.kind).isEqualTo(FrameKind.PMESSAGE);
		byte[] pattern = this.reader.pattern;
		assertThat(text(pattern)).isEqualTo("__keyspace@0__:*");
		assertThat(text(this.reader.channel)).isEqualTo("__keyspace@0__:k2");
		assertThat(text(this.reader.message)).isEqualTo("del");

		this.reader.read(in);
		assertThat(this.reader.pattern).isSameAs(pattern);
		assertThat(this.reader.message).isEmpty();
	}

	@Test
	void readsConfirmationsAndPongsAndSkipsWhatItDoesNotKnow() {
		RedisInputStream in = stream("*3\r\n$10\r\npsubscribe\r\n$5\r\nuser*\r\n:2\r\n"
				+ "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n" + "*2\r\n$4\r\npong\r\n$0\r\n\r\n"
				+ "*4\r\n$8\r\nsmessage\r\n*2\r\n:1\r\n+OK\r\n$2\r\nab\r\n$-1\r\n"
				+ "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
		this.reader.read(in);
		assertThat(this.reader.kind).isEqualTo(FrameKind.PSUBSCRIBE);
		assertThat(text(this.reader.channel)).isEqualTo("user*");
		this.reader.read(in);
		assertThat(this.reader.kind).isEqualTo(FrameKind.UNSUBSCRIBE);
		assertThat(this.reader.channel).isNull();
		this.reader.read(in);
		assertThat(this.reader.kind).isEqualTo(FrameKind.PONG);
		this.reader.read(in);
		assertThat(this.reader.kind).as("an unknown frame, nested replies and all").isNull();
		this.reader.read(in);
		assertThat(this.reader.kind).isEqualTo(FrameKind.MESSAGE);
		assertThat(text(this.reader.channel)).isEqualTo("c");
	}

	@Test
	void aPmessageOfAnotherShapeIsNotDelivered() {
		this.reader.read(stream("*3\r\n$8\r\npmessage\r\n$1\r\np\r\n$1\r\nc\r\n"));
		assertThat(this.reader.kind).isNull();
		assertThat(this.reader.message).isNull();
	}

	@Test
	void aCutFrameBreaksTheConnection() {
		assertThatExceptionOfType(JedisConnectionException.class)
			.isThrownBy(() -> this.reader.read(stream("*3\r\n$7\r\nmessage\r\n$10\r\nabc")));
		assertThatExceptionOfType(JedisConnectionException.class)
			.isThrownBy(() -> new FrameReader().read(stream("*3\r\n:7\r\n$1\r\na\r\n?x\r\n")));
	}

	private static RedisInputStream stream(String resp) {
		return new RedisInputStream(new ByteArrayInputStream(resp.getBytes(StandardCharsets.UTF_8)), 16);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
