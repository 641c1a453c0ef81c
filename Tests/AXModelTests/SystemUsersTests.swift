import AXModel
import AXReading
import Testing

@Suite struct SystemUsersReaderTests {
    @Test func headersAreReadWhateverTheirCaseSpacingOrSpelling() throws {
        let text = "USER ID;e-mail;Network Alias;Entra Object ID;ENABLED;Name\nalicia;Alicia@Contoso.example;alicia@contoso.onmicrosoft.example;1F0C7E2A-3B4D-4C5E-8F90-A1B2C3D4E5F6;No;Alicia Ramos\n"
        let directory = try SystemUserDirectory.parse(text, path: "s.csv")
        let user = try #require(directory.users.only)
        #expect(user.userId == "alicia")
        #expect(user.email == "Alicia@Contoso.example")
        #expect(user.networkAlias == "alicia@contoso.onmicrosoft.example")
        #expect(user.objectId?.text == "1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6")
        #expect(user.isEnabled == false)
        #expect(user.userName == "Alicia Ramos")
        #expect(directory.diagnostics.isEmpty)
    }

    @Test func usersAreFoundByEMailOrNetworkAliasIgnoringCase() throws {
        let directory = try SystemUserDirectory.parse("UserID,Email,NetworkAlias\nalicia,alicia@contoso.example,ar@contoso.example\n", path: "s.csv")
        #expect(directory.user(email: "ALICIA@contoso.EXAMPLE")?.userId == "alicia")
        #expect(directory.user(email: "Ar@Contoso.example")?.userId == "alicia")
        #expect(directory.user(email: "bob@contoso.example") == nil)
    }

    @Test func objectIdsMatchWithOrWithoutBracesInAnyCase() throws {
        let directory = try SystemUserDirectory.parse("UserID,ObjectId\nalicia,{1F0C7E2A-3B4D-4C5E-8F90-A1B2C3D4E5F6}\n", path: "s.csv")
        for spelling in ["1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6", "{1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6}", " 1F0C7E2A-3B4D-4C5E-8F90-A1B2C3D4E5F6 "] {
            let id = try #require(EntraObjectID(spelling))
            #expect(directory.user(objectId: id)?.userId == "alicia", "\(spelling)")
        }
    }

    @Test func textThatIsNotAGuidIsNoObjectId() {
        for spelling in ["", "alicia@contoso.example", "1f0c7e2a3b4d4c5e8f90a1b2c3d4e5f6", "{1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6", "1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5fg",
                         "1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6-0"] {
            #expect(EntraObjectID(spelling) == nil, "\(spelling)")
        }
    }

    @Test func aRepeatedUserIdIsAWarningAndTheFirstRowWins() throws {
        let text = "UserID,Email\nalicia,alicia@contoso.example\nALICIA,other@contoso.example\n"
        let directory = try SystemUserDirectory.parse(text, path: "s.csv")
        #expect(directory.users.map(\.email) == ["alicia@contoso.example"])
        #expect(directory.user(email: "other@contoso.example") == nil)
        #expect(directory.diagnostics.map(\.description)
            == ["s.csv:3: warning: user 'ALICIA' is listed again (first at line 2); the first row is used, this one ignored [duplicate-user]"])
    }

    @Test func anEMailOrObjectIdOfTwoUsersIsAWarningAndMatchesTheFirst() throws {
        let text = "UserID,Email,ObjectId\na,x@contoso.example,1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6\nb,X@contoso.example,1F0C7E2A-3B4D-4C5E-8F90-A1B2C3D4E5F6\n"
        let directory = try SystemUserDirectory.parse(text, path: "s.csv")
        #expect(directory.user(email: "x@contoso.example")?.userId == "a")
        #expect(directory.user(objectId: EntraObjectID("1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6")!)?.userId == "a")
        #expect(directory.diagnostics.map(\.code) == [.duplicateUser, .duplicateUser])
        #expect(directory.diagnostics.allSatisfy { $0.location?.line == 3 })
    }

    @Test func aMissingUserIdColumnIsAnErrorNamingTheHeader() {
        #expect(throws: InputError.invalid(path: "s.csv", line: 1, column: nil, message: "missing required column UserID; the header has: Email, ObjectId")) {
            try SystemUserDirectory.parse("Email,ObjectId\nx@contoso.example,\n", path: "s.csv")
        }
    }

    @Test func aHeaderWithNothingToMatchByIsAnError() {
        #expect(throws: InputError.invalid(path: "s.csv", line: 1, column: nil,
                                           message: "no column to match users by: give Email, NetworkAlias or ObjectId; the header has: UserID, UserName")) {
            try SystemUserDirectory.parse("UserID,UserName\nalicia,Alicia\n", path: "s.csv")
        }
    }

    @Test func badRowsAreErrorsNamingTheLine() {
        #expect(throws: InputError.invalid(path: "s.csv", line: 3, column: nil, message: "UserID is empty")) {
            try SystemUserDirectory.parse("UserID,Email\na,a@x.example\n,b@x.example\n", path: "s.csv")
        }
        #expect(throws: InputError.invalid(path: "s.csv", line: 2, column: nil,
                                           message: "ObjectId 'not-a-guid' of user 'a' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, braces optional)")) {
            try SystemUserDirectory.parse("UserID,ObjectId\na,not-a-guid\n", path: "s.csv")
        }
        #expect(throws: InputError.invalid(path: "s.csv", line: 2, column: nil, message: "Enabled 'maybe' is not true or false")) {
            try SystemUserDirectory.parse("UserID,Email,Enabled\na,a@x.example,maybe\n", path: "s.csv")
        }
    }

    @Test func aHeaderWithoutRowsIsAWarning() throws {
        let directory = try SystemUserDirectory.parse("UserID,Email\n", path: "s.csv")
        #expect(directory.users.isEmpty)
        #expect(directory.diagnostics.map(\.code) == [.noRows])
    }
}
