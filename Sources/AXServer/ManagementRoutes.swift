import Foundation
import HTTPTypes
import Hummingbird

/// The License Management page's HTTP routes:
/// - `GET /` (`?tab=license-view|configuration|audit-log`, `&notice=N` after an action): the page;
/// - `POST /actions/…` (`ManagementPage.ActionPath`): an action, then `303 See Other` back to its tab;
/// - `GET /healthz`: `ok`, for a service manager or a load balancer to probe.
/// Every response carries headers that keep the page out of frames and caches and allow no script at all.
public enum ManagementRoutes {
    /// The most bytes an action's form body may have (the largest form, Clear audit log, is under 200).
    public static let formBodyLimit = 8 * 1024

    /// The router over `management`, refusing requests that `requestGuard` refuses.
    public static func router(_ management: LicenseManagement, guard requestGuard: RequestGuard) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: GuardMiddleware(requestGuard: requestGuard))
        router.get("/") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard let tab = query["tab"].map({ ManagementTab(rawValue: String($0)) }) ?? .licenseView else {
                return plain(.notFound, "No such tab: the tabs are \(ManagementTab.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let notice = query["notice"].flatMap { Int(String($0)) }
            return html(await management.page(tab: tab, notice: notice).html())
        }
        router.get("/healthz") { _, _ -> Response in plain(.ok, "ok") }
        let actions: [(String, @Sendable (FormFields) -> ManagementAction?)] = [
            (ManagementPage.ActionPath.refreshLicenses, { _ in .refreshLicenses }),
            (ManagementPage.ActionPath.sendTelemetry, { _ in .sendTelemetry }),
            (ManagementPage.ActionPath.refreshToken, { _ in .refreshToken }),
            (ManagementPage.ActionPath.clearAuditLog, { form in
                // Whole days from 0 to 100 years: anything else is refused rather than read as something else.
                guard let text = form.values[ManagementPage.daysField], text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let days = Int(text), days <= 36_500 else { return nil }
                return .clearAuditLog(olderThanDays: days)
            }),
        ]
        for (path, action) in actions {
            router.post(RouterPath(path)) { request, context -> Response in
                let form: FormFields
                do {
                    form = try await formFields(request)
                } catch let refusal as FormRefusal {
                    return plain(refusal.status, refusal.message)
                }
                do throws(RequestGuard.Refusal) {
                    try requestGuard.checkAction(authority: authority(of: request), origin: request.headers[.origin],
                                                 referer: request.headers[.referer], token: form.values[ManagementPage.tokenField])
                } catch {
                    return plain(.forbidden, error.description)
                }
                guard let action = action(form) else {
                    return plain(.badRequest, "The number of days must be a whole number from 0 to 36500.")
                }
                let notice = await management.perform(action)
                return Response.redirect(to: "/?tab=\(action.tab.rawValue)&notice=\(notice)", type: .normal)
            }
        }
        return router
    }

    /// The request's Host: HTTP/1's Host header, which NIO moves into the request's authority (a Host header left among
    /// the fields is the one a request built in process carries).
    static func authority(of request: Request) -> String? {
        request.headers[HTTPField.Name("Host")!] ?? request.head.authority
    }

    private struct FormRefusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    /// The action's form: a URL-encoded body of at most `formBodyLimit` bytes.
    private static func formFields(_ request: Request) async throws -> FormFields {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw FormRefusal(status: .unsupportedMediaType, message: "Actions take a form (application/x-www-form-urlencoded).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: formBodyLimit)
        } catch {
            throw FormRefusal(status: .contentTooLarge, message: "The form is larger than \(formBodyLimit) bytes.")
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes), let form = try? FormFields(text) else {
            throw FormRefusal(status: .badRequest, message: "The form cannot be read (a field given twice, or not URL-encoded UTF-8).")
        }
        return form
    }

    private static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// Refuses a request to another host; adds the headers every response carries.
    struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
        var requestGuard: RequestGuard

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            var response: Response
            do {
                try requestGuard.checkHost(authority(of: request))
                response = try await next(request, context)
            } catch let refusal as RequestGuard.Refusal {
                response = plain(.misdirectedRequest, refusal.description)
            } catch let error as HTTPError {
                response = plain(error.status, error.body ?? error.status.reasonPhrase)
            }
            response.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            response.headers[.cacheControl] = "no-store"
            response.headers[.xContentTypeOptions] = "nosniff"
            response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
            // `same-origin` keeps the Origin header on the page's own form posts (`no-referrer` would make it "null").
            response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
            return response
        }
    }
}
