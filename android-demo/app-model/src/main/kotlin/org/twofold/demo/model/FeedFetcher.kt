package org.twofold.demo.model

import java.io.IOException
import java.net.HttpURLConnection
import java.net.URI

/** Downloads a Meeting Guide feed the person asked for. */
fun interface FeedFetcher {
    suspend fun fetch(url: String): ByteArray
}

/** Why a feed could not be fetched; the schedule screen words it. */
enum class FeedFailure { NOT_A_URL, NOT_HTTPS, TOO_LARGE, UNREACHABLE }

/** The feed could not be fetched; nothing was written. */
class FeedFetchFailed(val failure: FeedFailure) : IOException("feed not fetched: $failure")

/**
 * Plain `java.net` (on Android too), so nothing else in the app opens connections. Only a
 * URL the person typed or chose is fetched, only over HTTPS (plain HTTP only to this device,
 * for development), and at most [maxBytes] — the core refuses larger imports anyway.
 */
class HttpFeedFetcher(private val maxBytes: Int = 4 * 1024 * 1024) : FeedFetcher {
    override suspend fun fetch(url: String): ByteArray = kotlinx.coroutines.withContext(kotlinx.coroutines.Dispatchers.IO) {
        val uri = try { URI(url.trim()) } catch (e: Exception) { throw FeedFetchFailed(FeedFailure.NOT_A_URL) }
        if (uri.host == null) throw FeedFetchFailed(FeedFailure.NOT_A_URL)
        val loopback = uri.host == "127.0.0.1" || uri.host == "localhost"
        if (uri.scheme != "https" && !(uri.scheme == "http" && loopback)) throw FeedFetchFailed(FeedFailure.NOT_HTTPS)
        val connection = uri.toURL().openConnection() as HttpURLConnection
        connection.connectTimeout = 15_000
        connection.readTimeout = 30_000
        connection.instanceFollowRedirects = false // a redirect could lead anywhere
        try {
            if (connection.responseCode != 200) throw FeedFetchFailed(FeedFailure.UNREACHABLE)
            connection.inputStream.use { input ->
                val bytes = input.readNBytes(maxBytes + 1)
                if (bytes.size > maxBytes) throw FeedFetchFailed(FeedFailure.TOO_LARGE)
                bytes
            }
        } catch (e: FeedFetchFailed) {
            throw e
        } catch (e: IOException) {
            throw FeedFetchFailed(FeedFailure.UNREACHABLE) // no network, DNS, TLS, timeout
        } finally {
            connection.disconnect()
        }
    }
}
