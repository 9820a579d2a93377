package io.keyspace.notifications;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Captures what one logger writes, so tests can assert on warnings. */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final Level previousLevel;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	public LogCapture(Class<?> source, Level level) {
		this(source.getName(), level);
	}

	/** Captures a logger by name, e.g. {@code Logger.ROOT_LOGGER_NAME} for everything. */
	public LogCapture(String name, Level level) {
		this.logger = (Logger) LoggerFactory.getLogger(name);
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(level);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	public List<String> messages(Level level) {
		List<ILoggingEvent> events;
		// The appender adds under its own monitor, from whichever thread logs.
		synchronized (this.appender) {
			events = List.copyOf(this.appender.list);
		}
		return events.stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	/** Every captured event at any level: its message and, if any, its exception with causes and stack trace. */
	public List<String> everything() {
		List<ILoggingEvent> events;
		// The appender adds under its own monitor, from whichever thread logs.
		synchronized (this.appender) {
			events = List.copyOf(this.appender.list);
		}
		return events.stream()
			.map((event) -> event.getFormattedMessage()
					+ ((event.getThrowableProxy() != null) ? "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()) : ""))
			.toList();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
	}

}
