package io.statetree.redis.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a fixed loopback port in front of a Redis server, which a test takes down and
 * brings back: {@link #stop()} closes every connection through it and refuses new ones (the
 * client sees what it sees when Redis stops: connections reset, connection refused), while the
 * server behind keeps its data; {@link #start()} listens again on the same port. Thread-safe.
 */
public final class RedisOutage implements AutoCloseable {

	private final String host;

	private final int upstreamPort;

	private final int port;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private ServerSocket server;

	private RedisOutage(String host, int upstreamPort) {
		this.host = host;
		this.upstreamPort = upstreamPort;
		this.server = listen(0);
		this.port = this.server.getLocalPort();
		accept(this.server);
	}

	/**
	 * Starts a proxy to the test server.
	 * @param endpoint the server
	 * @return the proxy, up
	 */
	public static RedisOutage in(RedisTestServer.Endpoint endpoint) {
		return new RedisOutage(endpoint.host(), endpoint.port());
	}

	/** The proxy's port on 127.0.0.1. */
	public int port() {
		return this.port;
	}

	/** Takes Redis down: closes every connection and refuses new ones. Idempotent. */
	public synchronized void stop() {
		if (this.server == null) {
			return;
		}
		closeQuietly(this.server);
		this.server = null;
		this.sockets.forEach(RedisOutage::closeQuietly);
		this.sockets.clear();
	}

	/** Brings Redis back on the same port. Idempotent. */
	public synchronized void start() {
		if (this.server != null) {
			return;
		}
		this.server = listen(this.port);
		accept(this.server);
	}

	@Override
	public void close() {
		stop();
	}

	private static ServerSocket listen(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen on port " + port, ex);
		}
	}

	private void accept(ServerSocket listening) {
		Thread acceptor = new Thread(() -> {
			while (!listening.isClosed()) {
				try {
					Socket client = listening.accept();
					Socket upstream = new Socket(this.host, this.upstreamPort);
					synchronized (this) {
						if (this.server != listening) {
							closeQuietly(client);
							closeQuietly(upstream);
							continue;
						}
						this.sockets.add(client);
						this.sockets.add(upstream);
					}
					pipe(client, upstream);
					pipe(upstream, client);
				}
				catch (IOException ex) {
					// closed by stop(), or the upstream refused: the client sees its socket close
				}
			}
		}, "redis-outage-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private static void pipe(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// the other side closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "redis-outage-pipe");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

}
