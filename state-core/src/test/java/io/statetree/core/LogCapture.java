package io.statetree.core;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Captures what a logger writes, each event rendered as a person reads it in the log: the
 * message, then the stack trace with every cause's class and message.
 */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LogCapture(String name) {
		this.logger = (Logger) LoggerFactory.getLogger(name);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	/**
	 * Starts capturing the controller's log.
	 * @return the capture; close it to stop
	 */
	public static LogCapture controller() {
		return new LogCapture("io.statetree.core.internal.DefaultStateController");
	}

	/**
	 * Starts capturing one logger and its children.
	 * @param name the logger's name, such as {@code io.statetree}
	 * @return the capture; close it to stop
	 */
	public static LogCapture named(String name) {
		return new LogCapture(name);
	}

	/**
	 * Returns everything captured so far, one rendered event per element.
	 * @return the events
	 */
	public List<String> lines() {
		List<String> lines = new ArrayList<>();
		for (ILoggingEvent event : List.copyOf(this.appender.list)) {
			String text = event.getLevel() + " " + event.getFormattedMessage();
			if (event.getThrowableProxy() != null) {
				text += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
			}
			lines.add(text);
		}
		return lines;
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.appender.stop();
	}

}
