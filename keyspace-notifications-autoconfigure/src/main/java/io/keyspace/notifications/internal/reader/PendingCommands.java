package io.keyspace.notifications.internal.reader;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Protocol.Command;

/**
 * The commands one write sends on one connection, taken together under the subscriber's lock
 * and written after it is released. A write error is left for the reader to notice: the
 * connection is marked broken, so its next read fails and it reconnects.
 */
record PendingCommands(PubSubConnection connection, String nodeName, List<byte[]> unsubscribe,
		List<byte[]> punsubscribe, List<byte[]> subscribe, List<byte[]> psubscribe, boolean ping) implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(NodeSubscriber.class);

	@Override
	public void run() {
		try {
			send(Command.UNSUBSCRIBE, this.unsubscribe);
			send(Command.PUNSUBSCRIBE, this.punsubscribe);
			send(Command.SUBSCRIBE, this.subscribe);
			send(Command.PSUBSCRIBE, this.psubscribe);
			if (this.ping) {
				this.connection.send(Command.PING);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Writing to {} failed; the reader will reconnect", this.nodeName, ex);
			this.connection.setBroken();
		}
	}

	private void send(Command command, List<byte[]> args) {
		if (!args.isEmpty()) {
			this.connection.send(command, args.toArray(new byte[0][]));
		}
	}

}
